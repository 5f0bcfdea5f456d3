/**
 * `npm run chaos -- --postgres`: a campus under faults. One throwaway PostgreSQL cluster, two coordinators A and B on
 * it (one identity, one shared files folder), four real workers joined with a join line that lists both (two try A
 * first, two B first), and the chaos run's jobs (cancelled and timing-out ones replaced by short ones: every job here
 * must complete). Each command first appends its job id to a file in a drop box, so a job that ran twice shows.
 * After 30 % of the jobs completed, coordinator A is killed with kill -9 (it stays dead); after 70 %, PostgreSQL is
 * stopped at once (as if it crashed) and started again. Then: every job completed exactly once with the output its
 * command printed, at its first attempt, and the workers on A and the duties moved to B within 10 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonClient, tempDir } from '../bench/lib.ts';
import { zipFiles } from '../electron/core/runner/zip-writer.ts';
import { presentedCertificate } from '../electron/core/pinned-tls.ts';
import { formatJoinLine } from '../shared/join-line.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { dropBox } from '../tests/helpers/temp.ts';
import { CLI, expectedStdout, orphanProcesses, plan, startCli, type Planned, type Proc } from './common.ts';

const PASSPHRASE = 'the chaos campus passphrase';
const FAILOVER_LIMIT_MS = 10_000;
const DUTIES = 'this coordinator runs the campus duties';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Coordinator extends Proc {
  name: 'A' | 'B';
  port: number;
  api: JsonClient;
}

interface Options {
  jobs: number;
  runId: string;
  log: (msg: string) => void;
}

/** The chaos plan with every job meant to complete: a cancelled or timing-out job becomes a short one. */
function campusPlan(i: number, drop: string): Planned {
  const p = plan(i);
  const n = 1 + (i % 20);
  const base: Planned =
    p.kind === 'cancel' || p.kind === 'timeout'
      ? { index: i, kind: 'short', command: `seq 1 ${n} | sed 's/^/L${i}-/'`, lines: n, exitCode: 0, maxAttempts: 1 }
      : p;
  return { ...base, command: `echo "$CMDX_JOB_ID" >> ${drop}/runs; ${base.command}` };
}

/** Waits for a log line after `since` (ms), up to `timeoutMs`; the line or undefined. */
async function lineAfter(p: Proc, since: number, test: (l: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = p.logs.find((l) => l.at >= since && test(l));
    if (line || Date.now() > deadline) return line;
    await sleep(20);
  }
}

export async function chaosPostgres({ jobs: JOBS, runId, log }: Options): Promise<number> {
  const started = Date.now();
  const problems: string[] = [];
  const procs: Proc[] = [];
  const dirs: string[] = [];
  const temp = (prefix: string) => {
    const dir = tempDir(prefix);
    dirs.push(dir);
    return dir;
  };
  log('starting a throwaway PostgreSQL cluster');
  const pg = await startPostgres();
  const filesDir = temp('cmdx-pgchaos-files-');
  const drop = dropBox();
  const env = { CMDX_DATABASE: pg.url, CMDX_IDENTITY_PASSPHRASE: PASSPHRASE };

  async function startCoordinator(name: 'A' | 'B', dataDir: string, extra: string[] = []): Promise<Coordinator> {
    const args = ['coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--files-dir', filesDir, '--offline-after', '6'];
    const p = startCli(runId, [...args, '--max-upload-mb', '100', ...extra], env);
    procs.push(p);
    const deadline = Date.now() + 30_000;
    let line: any;
    while (!(line = p.logs.find((l) => l.msg === 'coordinator listening'))) {
      if (Date.now() > deadline || p.proc.exitCode !== null) throw new Error(`coordinator ${name} did not start`);
      await sleep(20);
    }
    const port = Number(new URL(line.url as string).port);
    return Object.assign(p, { name, port, api: new JsonClient(`http://127.0.0.1:${port}`) });
  }

  try {
    const aDir = temp('cmdx-pgchaos-a-');
    const a = await startCoordinator('A', aDir);
    // A takes the duties before B starts, so the kill of A moves them (and that move is measured).
    if (!(await lineAfter(a, 0, (l) => l.msg?.startsWith(DUTIES), 15_000))) throw new Error('coordinator A did not take the duties');
    const tokens = JSON.parse(readFileSync(join(aDir, 'tokens.json'), 'utf8')) as { adminToken: string; joinToken: string };
    const identity = join(temp('cmdx-pgchaos-id-'), 'campus.identity');
    const exported = spawnSync(process.execPath, [CLI, 'coordinator', 'export-identity', '--data-dir', aDir, '--out', identity], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (exported.status !== 0) throw new Error(`export-identity failed: ${exported.stderr}`);
    const b = await startCoordinator('B', temp('cmdx-pgchaos-b-'), ['--identity', identity]);
    const coordinators = [a, b];
    log(`coordinators A :${a.port} (the duties) and B :${b.port} on ${pg.url.replace(/\/\/[^@]*@/, '//')}`);

    /** An admin call to `first`, else the other; retried until one answers, up to `timeoutMs`. */
    async function call(first: Coordinator, method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<{ status: number; body: any }> {
      const deadline = Date.now() + timeoutMs;
      for (let k = 0; ; k++) {
        const c = k % 2 === 0 ? first : first === a ? b : a;
        try {
          const res = await c.api.call(method, path, tokens.adminToken, body, 15_000);
          if (res.status < 500) return res;
        } catch {
          // down, or its database is: the other, or again
        }
        if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer for ${timeoutMs} ms`);
        await sleep(100);
      }
    }

    const fingerprint = (await presentedCertificate(new URL(`https://127.0.0.1:${a.port}`), 5000)).fingerprint;
    const lineAFirst = formatJoinLine('127.0.0.1', a.port, fingerprint, tokens.joinToken, [`127.0.0.1:${b.port}`]);
    const lineBFirst = formatJoinLine('127.0.0.1', b.port, fingerprint, tokens.joinToken, [`127.0.0.1:${a.port}`]);
    const workers = Array.from({ length: 4 }, (_, i) => {
      const first = i % 2 === 0 ? a : b;
      const line = first === a ? lineAFirst : lineBFirst;
      const p = startCli(runId, ['worker', '--join', line, '--id', `pgchaos-w${i}`, '--work-dir', temp('cmdx-pgchaos-w-'), '--heartbeat-interval', '1']);
      procs.push(p);
      return Object.assign(p, { id: `pgchaos-w${i}`, first });
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listed = (await call(b, 'GET', '/api/workers/register')).body.workers as { workerId: string; status: string }[];
      if (workers.every((w) => listed.some((l) => l.workerId === w.id && l.status !== 'offline'))) break;
      if (Date.now() > deadline) throw new Error('the four workers did not come online within 60 s');
      await sleep(200);
    }
    log('four workers online: w0 and w2 try A first, w1 and w3 B first');

    const zip = await zipFiles([{ name: 'project/readme.txt', content: 'chaos\n' }]);
    const form = new FormData();
    form.set('commands', 'true');
    form.set('mode', 'distributed');
    form.append('file', new Blob([new Uint8Array(zip)]), 'project.zip');
    const uploaded = (await (
      await fetch(`http://127.0.0.1:${a.port}/api/execute`, { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens.adminToken}` } })
    ).json()) as { jobId: string };
    const fileUrl = (await call(a, 'GET', `/api/jobs/status?jobId=${uploaded.jobId}`)).body.fileUrl as string;

    // ---- the load: JOBS jobs over 40 s, created on A and B in turn (on B alone once A is dead) ----------------------
    const planned: Planned[] = [];
    let submitting = true;
    const submitter = (async () => {
      for (let i = 0; i < JOBS; i++) {
        const p = campusPlan(i, drop);
        const res = await call(i % 2 ? b : a, 'POST', '/api/jobs/create', {
          command: p.command,
          fileUrl,
          filename: `chaos-${i}.zip`,
          maxAttempts: p.maxAttempts,
        });
        if (res.status === 200) planned.push({ ...p, jobId: res.body.jobId });
        else problems.push(`create #${i} refused: ${res.status} ${JSON.stringify(res.body)}`);
        await sleep(40_000 / JOBS);
      }
      submitting = false;
    })();
    const completed = async () => (await call(b, 'GET', '/api/jobs/create?status=completed&limit=1')).body.total as number;

    async function waitCompleted(n: number, what: string): Promise<void> {
      const until = Date.now() + 300_000;
      while ((await completed()) < n) {
        if (Date.now() > until) throw new Error(`fewer than ${n} jobs completed after 300 s (${what})`);
        await sleep(250);
      }
    }

    // ---- kill -9 of A, the duty holder: where each worker is, then who moves and how fast ---------------------------
    await waitCompleted(Math.round(JOBS * 0.3), 'before the kill of A');
    const onA = workers.filter((w) => {
      const moved = w.logs.filter((l) => l.msg === 'coordinator moved').at(-1);
      return moved ? moved.to === `https://127.0.0.1:${a.port}` : w.first === a;
    });
    // The jobs those workers run now: they must carry them over to B and complete them at their first attempt.
    const onAIds = new Set(onA.map((w) => w.id));
    const running = (await call(b, 'GET', '/api/jobs/create?status=running&limit=500')).body.jobs as { jobId: string; workerId: string }[];
    const carried = running.filter((j) => onAIds.has(j.workerId)).map((j) => j.jobId);
    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    log(`kill -9 coordinator A (stays dead) with ${await completed()} jobs completed; on A: ${onA.map((w) => w.id).join(', ') || 'no worker'}`);
    const duties = await lineAfter(b, killedAt, (l) => l.msg?.startsWith(DUTIES), 15_000);
    const dutiesMs = duties ? duties.at - killedAt : null;
    const moves = await Promise.all(
      onA.map(async (w) => {
        const moved = await lineAfter(w, killedAt, (l) => l.msg === 'coordinator moved', 15_000);
        return { worker: w.id, ms: moved ? moved.at - killedAt : null, to: moved?.to ?? null };
      }),
    );
    log(`after the kill: duties on B in ${dutiesMs ?? '> 15000'} ms; ${moves.map((m) => `${m.worker} moved in ${m.ms ?? '> 15000'} ms`).join(', ')}`);
    if (dutiesMs === null || dutiesMs > FAILOVER_LIMIT_MS)
      problems.push(`B took the duties ${dutiesMs ?? 'not within 15000'} ms after the kill of A (limit ${FAILOVER_LIMIT_MS})`);
    for (const m of moves) {
      if (m.ms === null || m.ms > FAILOVER_LIMIT_MS)
        problems.push(`${m.worker} moved ${m.ms ?? 'not within 15000'} ms after the kill of A (limit ${FAILOVER_LIMIT_MS})`);
      else if (m.to !== `https://127.0.0.1:${b.port}`) problems.push(`${m.worker} moved to ${m.to}, not to B`);
    }
    if (onA.length === 0) problems.push('no worker was on A when it was killed: the failover of workers was not exercised');

    // ---- PostgreSQL stopped at once (a crash) and started again ------------------------------------------------------
    await waitCompleted(Math.round(JOBS * 0.7), 'before the restart of PostgreSQL');
    const restartAt = Date.now();
    log(`PostgreSQL restarted (immediate stop, as a crash) with ${await completed()} jobs completed`);
    pg.restart();
    const restartMs = Date.now() - restartAt;
    const probe = await call(b, 'POST', '/api/jobs/create', { command: 'echo probe', fileUrl, filename: 'probe.zip' });
    let recoveredMs: number | null = null;
    for (const until = Date.now() + 120_000; Date.now() < until; await sleep(100)) {
      const s = (await call(b, 'GET', `/api/jobs/status?jobId=${probe.body.jobId}`)).body;
      if (s.status === 'completed') {
        recoveredMs = Date.now() - restartAt;
        break;
      }
    }
    if (recoveredMs === null) problems.push('no probe job completed within 120 s of the restart of PostgreSQL');
    const dutiesBack = await lineAfter(b, restartAt, (l) => l.msg?.startsWith(DUTIES), 30_000);
    const dutiesBackMs = dutiesBack ? dutiesBack.at - restartAt : null;
    if (dutiesBackMs === null) problems.push('B did not take the duties again within 30 s of the restart of PostgreSQL');
    log(`after the restart (${restartMs} ms): a probe job completed after ${recoveredMs ?? '> 120000'} ms, duties again after ${dutiesBackMs ?? '> 30000'} ms`);

    // ---- the end --------------------------------------------------------------------------------------------------
    await Promise.race([submitter, sleep(300_000)]);
    if (submitting) problems.push('the submitter did not finish within 300 s');
    log(`${planned.length} jobs submitted; waiting for every job to end`);
    const endDeadline = Date.now() + 300_000;
    while ((await call(b, 'GET', '/api/jobs/counts')).body.active > 0 && Date.now() < endDeadline) await sleep(1000);
    const endedAt = Date.now();
    const all = (await call(b, 'GET', '/api/jobs/create')).body.jobs as any[];
    const metrics = (await call(b, 'GET', '/api/coordinator/metrics')).body;
    for (const w of workers) w.proc.kill('SIGTERM');
    await sleep(300);
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => Promise.race([new Promise((r) => (w.proc.exitCode !== null ? r(null) : w.proc.once('exit', r))), sleep(30_000)])));
    b.proc.kill('SIGTERM');
    await Promise.race([new Promise((r) => (b.proc.exitCode !== null ? r(null) : b.proc.once('exit', r))), sleep(30_000)]);
    for (const c of coordinators) c.api.close();
    await sleep(500);

    // ---- exactly once -----------------------------------------------------------------------------------------------
    const byId = new Map(all.map((j) => [j.jobId, j]));
    const runs = new Map<string, number>();
    const runsFile = join(drop, 'runs');
    for (const id of existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean) : []) runs.set(id, (runs.get(id) ?? 0) + 1);
    const finished = new Map<string, number>();
    for (const l of workers.flatMap((w) => w.logs)) if (l.msg === 'job finished') finished.set(l.jobId, (finished.get(l.jobId) ?? 0) + 1);
    const tally = { completed: 0, outputOk: 0, firstAttempt: 0, ranOnce: 0, missing: 0, notCompleted: 0, ranTwice: 0, neverRan: 0, retried: 0, badOutput: 0 };
    for (const p of planned) {
      const j = byId.get(p.jobId!);
      const ran = runs.get(p.jobId!) ?? 0;
      if (ran === 1) tally.ranOnce++;
      else if (ran === 0) {
        tally.neverRan++;
        problems.push(`job ${p.jobId} (#${p.index}) never ran its command (no line in the drop box)`);
      } else {
        tally.ranTwice++;
        problems.push(`job ${p.jobId} (#${p.index}) ran its command ${ran} times (attempts ${j?.attempts})`);
      }
      if ((finished.get(p.jobId!) ?? 0) > 1) problems.push(`job ${p.jobId} (#${p.index}) finished ${finished.get(p.jobId!)} times on the workers`);
      if (!j) {
        tally.missing++;
        problems.push(`acknowledged job ${p.jobId} (#${p.index}) is missing`);
        continue;
      }
      if (j.status !== 'completed') {
        tally.notCompleted++;
        problems.push(`job ${p.jobId} (#${p.index}, ${p.kind}) is ${j.status}: ${j.errorMessage ?? ''}`);
        continue;
      }
      tally.completed++;
      if ((j.attempts ?? 1) === 1) tally.firstAttempt++;
      else {
        tally.retried++;
        problems.push(`job ${p.jobId} (#${p.index}) completed at attempt ${j.attempts}, expected 1 (no worker was killed)`);
      }
      if (j.exitCode !== p.exitCode) problems.push(`job ${p.jobId} (#${p.index}) exit code ${j.exitCode}, expected ${p.exitCode}`);
      else if (j.stdout !== expectedStdout(p)) {
        tally.badOutput++;
        problems.push(
          `job ${p.jobId} (#${p.index}) stored output differs from what the command printed (${j.stdout.length} vs ${expectedStdout(p).length} characters)`,
        );
      } else tally.outputOk++;
    }
    const carriedOk = carried.filter((id) => {
      const j = byId.get(id);
      return j?.status === 'completed' && (j.attempts ?? 1) === 1 && runs.get(id) === 1;
    }).length;
    // Moves after the restart of PostgreSQL: B answered 503 meanwhile; a move then is to A, which is dead.
    const movesAfterRestart = workers.map((w) => w.logs.filter((l) => l.at >= restartAt && l.msg === 'coordinator moved').length);
    const planIds = new Set(planned.map((p) => p.jobId));
    for (const id of runs.keys()) if (!planIds.has(id)) problems.push(`the drop box names ${id}, a job nobody created`);
    if (planned.length !== JOBS) problems.push(`${JOBS - planned.length} of ${JOBS} creates were not acknowledged`);
    const orphans = orphanProcesses(runId);
    for (const o of orphans) problems.push(`orphan process ${o}`);

    const elapsed = (endedAt - started) / 1000;
    const failover = { dutiesMs, workers: moves, limitMs: FAILOVER_LIMIT_MS };
    const rows: [string, string][] = [
      ['jobs submitted (acknowledged)', `${planned.length} of ${JOBS}`],
      ['completed', `${tally.completed} (${tally.notCompleted} not completed, ${tally.missing} missing)`],
      ['stored output equal to what the command printed', `${tally.outputOk}, ${tally.badOutput} different`],
      ['completed at the first attempt', `${tally.firstAttempt}, ${tally.retried} retried`],
      ['commands run exactly once (drop box)', `${tally.ranOnce}, ${tally.ranTwice} more than once, ${tally.neverRan} never`],
      ['kill -9 coordinator A (stays dead)', `at ${Math.round((killedAt - started) / 1000)} s`],
      ['  duties on B after the kill', dutiesMs === null ? 'NOT within 15 s' : `${dutiesMs} ms`],
      ['  jobs running on the workers of A at the kill', `${carried.length}, ${carriedOk} completed at their first attempt, run once`],
      ...moves.map((m) => [`  ${m.worker} moved to B after the kill`, m.ms === null ? 'NOT within 15 s' : `${m.ms} ms`] as [string, string]),
      ['PostgreSQL restarted (immediate stop)', `at ${Math.round((restartAt - started) / 1000)} s, down ${restartMs} ms`],
      ['  a fresh job completed after the restart', recoveredMs === null ? 'NOT within 120 s' : `${recoveredMs} ms`],
      ['  workers moving after the restart (to the dead A)', movesAfterRestart.join(', ')],
      ['  duties on B again after the restart', dutiesBackMs === null ? 'NOT within 30 s' : `${dutiesBackMs} ms`],
      ['orphan processes', String(orphans.length)],
      ['jobs/s (end to end, faults included)', (all.length / elapsed).toFixed(1)],
      ['run time', `${elapsed.toFixed(0)} s`],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nCMD Executor chaos run ${runId}: a campus of 2 coordinators on PostgreSQL, 4 workers\n`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    if (problems.length) {
      console.log(`\nBROKEN PROMISES (${problems.length}):`);
      for (const p of problems.slice(0, 50)) console.log(`- ${p}`);
    } else console.log('\nAll promises kept.');

    const out = fileURLToPath(new URL('./results.json', import.meta.url));
    const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
    previous.postgres = {
      runId,
      jobs: JOBS,
      submitted: planned.length,
      ...tally,
      failover: { ...failover, carriedJobs: carried.length, carriedCompletedOnce: carriedOk },
      postgresRestart: {
        atS: Math.round((restartAt - started) / 1000),
        downMs: restartMs,
        workerMoves: movesAfterRestart,
        probeCompletedMs: recoveredMs,
        dutiesAgainMs: dutiesBackMs,
      },
      store: metrics.store ?? null,
      orphans: orphans.length,
      jobsPerSecond: Number((all.length / elapsed).toFixed(1)),
      problems,
      seconds: Math.round(elapsed),
    };
    writeFileSync(out, JSON.stringify(previous, null, 2) + '\n');
    return problems.length ? 1 : 0;
  } catch (error) {
    console.log(`\nCHAOS --postgres ABORTED: ${(error as Error).message}`);
    for (const p of problems) console.log(`- ${p}`);
    return 1;
  } finally {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await sleep(300);
    pg.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    rmSync(drop, { recursive: true, force: true });
  }
}
