/**
 * Several coordinators on one identity, as real processes: `export-identity`, `--identity` (the same certificate
 * and tokens on both; a wrong passphrase, a changed file or no passphrase refused), and a worker given both
 * addresses that moves to the second within 10 s when the first is killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatJoinLine } from '../../shared/join-line.ts';
import { presentedCertificate } from '../../electron/core/pinned-tls.ts';
import { tempDir } from '../helpers/coordinator.ts';
import { CLI, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

const PASSPHRASE = 'a campus passphrase for the test';

/** A CLI command to its end: exit code and output (bounded by the test's own timeout). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env2 = { ...process.env, ...env };
  if (!('CMDX_IDENTITY_PASSPHRASE' in env)) delete env2.CMDX_IDENTITY_PASSPHRASE;
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env2 });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function startCoordinator(dataDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<CliProcess & { port: number }> {
  const cli = startCli(['coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...extra], env);
  const line = await cli.waitForLog((l) => l.msg === 'coordinator listening');
  return Object.assign(cli, { port: Number(new URL(line.url as string).port) });
}

async function api(port: number, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}

const fingerprintAt = async (port: number) => (await presentedCertificate(new URL(`https://127.0.0.1:${port}`), 5000)).fingerprint;

describe('one identity for several coordinators', () => {
  const processes: CliProcess[] = [];
  let first: CliProcess & { port: number };
  let second: CliProcess & { port: number };
  let tokens: { adminToken: string; joinToken: string };
  let identityFile: string;

  before(async () => {
    const firstDir = tempDir('cmdx-campus-1-');
    first = await startCoordinator(firstDir);
    processes.push(first);
    tokens = JSON.parse(readFileSync(join(firstDir, 'tokens.json'), 'utf8'));
    identityFile = join(tempDir('cmdx-campus-file-'), 'campus.identity');
    const exported = await run(['coordinator', 'export-identity', '--data-dir', firstDir, '--out', identityFile], { CMDX_IDENTITY_PASSPHRASE: PASSPHRASE });
    assert.equal(exported.code, 0, exported.stderr);
    second = await startCoordinator(tempDir('cmdx-campus-2-'), ['--identity', identityFile], { CMDX_IDENTITY_PASSPHRASE: PASSPHRASE });
    processes.push(second);
  });
  after(async () => {
    for (const p of processes) await p.kill('SIGKILL');
  });

  it('writes the identity file mode 0600, with no secret in clear and no passphrase in any log', () => {
    assert.equal(statSync(identityFile).mode & 0o777, 0o600);
    const text = readFileSync(identityFile, 'utf8');
    assert.ok(!text.includes(tokens.adminToken) && !text.includes(tokens.joinToken) && !text.includes('PRIVATE KEY'));
    for (const p of processes) assert.ok(!JSON.stringify(p.logs).includes(PASSPHRASE));
  });

  it('both serve the same certificate and accept the same admin token (and refuse another)', async () => {
    assert.equal(await fingerprintAt(second.port), await fingerprintAt(first.port));
    for (const { port } of [first, second]) {
      assert.equal((await api(port, tokens.adminToken, 'GET', '/api/workers/register')).status, 200);
      assert.equal((await api(port, 'cmdx_a_not-the-admin-token-at-all', 'GET', '/api/workers/register')).status, 401);
    }
  });

  it('refuses a wrong passphrase, a changed file and a missing passphrase, writing nothing', async () => {
    const dir = tempDir('cmdx-campus-3-');
    const start = (file: string, env: Record<string, string>) =>
      run(['coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir, '--identity', file], env);
    const wrong = await start(identityFile, { CMDX_IDENTITY_PASSPHRASE: 'not the passphrase at all' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /does not open with this passphrase: either the passphrase is wrong or the file was changed/);
    const envelope = JSON.parse(readFileSync(identityFile, 'utf8'));
    const data = Buffer.from(envelope.data, 'base64');
    data[10]! ^= 0x80;
    const changed = join(tempDir(), 'changed.identity');
    writeFileSync(changed, JSON.stringify({ ...envelope, data: data.toString('base64') }));
    const tampered = await start(changed, { CMDX_IDENTITY_PASSPHRASE: PASSPHRASE });
    assert.equal(tampered.code, 1);
    assert.match(tampered.stderr, /passphrase is wrong or the file was changed/);
    const none = await start(identityFile, {});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /CMDX_IDENTITY_PASSPHRASE or with --passphrase-file/);
    assert.ok(!existsSync(join(dir, 'tls-cert.pem')) && !existsSync(join(dir, 'tokens.json')), 'nothing written');
  });

  it('a worker given both addresses moves to the second within 10 s of the first being killed', async () => {
    const fingerprint = await fingerprintAt(first.port);
    const line = formatJoinLine('127.0.0.1', first.port, fingerprint, tokens.joinToken, [`127.0.0.1:${second.port}`]);
    const workDir = tempDir('cmdx-campus-worker-');
    const worker = startCli(['worker', '--join', line, '--id', 'campus-pc', '--work-dir', workDir, '--heartbeat-interval', '1']);
    processes.push(worker);
    await waitFor('the worker online on the first coordinator', async () => {
      const { body } = await api(first.port, tokens.adminToken, 'GET', '/api/workers/register');
      return body.workers.find((w: any) => w.workerId === 'campus-pc' && w.status !== 'offline');
    });
    // Written once the register answer arrived, a moment after the coordinator lists the worker.
    const saved = await waitFor('the worker identity saved', () =>
      existsSync(join(workDir, 'worker.json')) ? JSON.parse(readFileSync(join(workDir, 'worker.json'), 'utf8')) : undefined,
    );
    assert.deepEqual(saved.servers, [`https://127.0.0.1:${first.port}`, `https://127.0.0.1:${second.port}`], 'the work dir remembers every address');

    await first.kill('SIGKILL');
    const killedAt = performance.now();
    // Each coordinator has its own SQLite store here, so the second does not know the worker: it asks to join.
    const request = await waitFor(
      "the worker's first request on the second coordinator",
      async () => (await api(second.port, tokens.adminToken, 'GET', '/api/workers/join-requests')).body.requests[0],
      10_000,
      100,
    );
    const reachedMs = performance.now() - killedAt;
    const moved = await worker.waitForLog((l) => l.msg === 'coordinator moved', 1000);
    assert.deepEqual([moved.from, moved.to], [`https://127.0.0.1:${first.port}`, `https://127.0.0.1:${second.port}`]);
    assert.equal((await api(second.port, tokens.adminToken, 'POST', '/api/workers/join-requests/approve', { requestIds: [request.requestId] })).status, 200);
    await waitFor('the worker heartbeating on the second coordinator', async () => {
      const { body } = await api(second.port, tokens.adminToken, 'GET', '/api/workers/register');
      return body.workers.find((w: any) => w.workerId === 'campus-pc' && w.status !== 'offline');
    });
    const onlineMs = performance.now() - killedAt;
    process.stdout.write(
      `# failover: the second coordinator saw the worker ${Math.round(reachedMs)} ms after SIGKILL; online there (approved) ${Math.round(onlineMs)} ms after\n`,
    );
    assert.ok(reachedMs < 10_000);
  });
});
