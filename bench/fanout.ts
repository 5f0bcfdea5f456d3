/**
 * `fanout`: one zip to a whole lab. A LAN of network namespaces on a bridge (tests/lab), every port shaped to
 * 100 Mbit/s in both directions (tbf on the host's end and on the switch's end of each veth, as a switch port
 * would be), the coordinator on one host, two workers on each other host (one sharing zips with its peers,
 * one with --no-peers). A random zip (compression cannot cheat) goes to 1, 5 and 10 workers; the figure is
 * from the run's creation to the last worker's first command. Every namespace goes at the end, also on failure.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import yazl from 'yazl';
import { fingerprintOf } from '../electron/core/fingerprint.ts';
import { createLab, type Lab } from '../tests/lab/lab.ts';
import { CLI, round, tempDir, waitUntil } from './lib.ts';

const PORT = 3000;
const RATE = '100mbit';

export interface FanoutOptions {
  sizeMb: number;
  counts: number[];
  log: (message: string) => void;
}

interface Follower {
  logs: any[];
  child: ChildProcess;
}

interface LabRig {
  lab: Lab;
  dir: string;
  coordinator: Follower;
  /** A file holding the admin token's header, so that it never is in an argv. */
  authFile: string;
  workers: Map<string, Follower>;
}

/** Seconds from the run's creation to the last first command, and how the zips travelled. */
export interface FanoutSample {
  seconds: number;
  fromPeers: number;
  fallbacks: number;
  killedByNeighbour: number;
}

export async function benchFanout(o: FanoutOptions): Promise<Record<string, unknown>> {
  const maxN = Math.max(...o.counts);
  const hosts = ['coord', ...Array.from({ length: maxN }, (_, i) => `pc${i + 1}`)];
  const dir = tempDir('cmdx-bench-fanout-');
  const lab = await createLab({ hosts });
  try {
    await shape(lab, hosts);
    const rig = await startRig(lab, dir, maxN);
    await warmUp(rig, maxN, o.log);
    const rows: Record<string, { peers: FanoutSample; coordinator: FanoutSample }> = {};
    for (const n of o.counts) {
      const coordinator = await measure(rig, n, 'c', o.sizeMb, o.log);
      const peers = await measure(rig, n, 'p', o.sizeMb, o.log);
      rows[`n${n}`] = { peers, coordinator };
    }
    const one = rows.n1?.coordinator.seconds ?? (o.sizeMb * 8 * 1.048576) / 100;
    return {
      size_mb: o.sizeMb,
      link: `${RATE} each way, every port`,
      one_transfer_s: round(one),
      ...Object.fromEntries(
        Object.entries(rows).map(([n, r]) => [n, { ...r, peers_ratio: round(r.peers.seconds / one), coordinator_ratio: round(r.coordinator.seconds / one) }]),
      ),
    };
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** tbf on both ends of every host's veth: what leaves the host and what the switch sends it. */
async function shape(lab: Lab, hosts: string[]): Promise<void> {
  const tbf = ['root', 'tbf', 'rate', RATE, 'burst', '256kb', 'latency', '20ms'];
  for (const name of hosts) {
    const host = lab.hosts[name]!;
    await lab.exec(name, 'tc', ['qdisc', 'add', 'dev', host.iface, ...tbf]);
    await run(['ip', 'netns', 'exec', lab.switchNetns, 'tc', 'qdisc', 'add', 'dev', host.port, ...tbf]);
  }
}

async function startRig(lab: Lab, dir: string, maxN: number): Promise<LabRig> {
  const dataDir = join(dir, 'coordinator');
  const coordinator = follow(
    lab.spawn('coord', process.execPath, [CLI, 'coordinator', '--data-dir', dataDir, '--port', String(PORT), '--max-upload-mb', '1024']),
  );
  await waitLog(coordinator, (l) => l.msg === 'coordinator listening', 30_000);
  const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8')) as { adminToken: string; joinToken: string };
  const fingerprint = fingerprintOf(new X509Certificate(readFileSync(join(dataDir, 'tls-cert.pem'))).raw);
  const authFile = join(dir, 'auth-header');
  writeFileSync(authFile, `Authorization: Bearer ${tokens.adminToken}\n`, { mode: 0o600 });
  const server = `https://${lab.hosts.coord!.ip}:${PORT}`;
  const workers = new Map<string, Follower>();
  for (let i = 1; i <= maxN; i++) {
    for (const kind of ['p', 'c'] as const) {
      const workDir = join(dir, `${kind}${i}`);
      mkdirSync(workDir, { recursive: true });
      const args = [CLI, 'worker', '--server', server, '--fingerprint', fingerprint, '--id', `${kind}${i}`, '--work-dir', workDir];
      const extra = ['--heartbeat-interval', '1', '--max-extract-mb', '2048', ...(kind === 'c' ? ['--no-peers'] : [])];
      workers.set(`${kind}${i}`, follow(lab.spawn(`pc${i}`, process.execPath, [...args, ...extra], { env: { CMDX_JOIN_TOKEN: tokens.joinToken } })));
    }
  }
  const rig = { lab, dir, coordinator, authFile, workers };
  await waitUntil(
    'every worker idle',
    async () => (await api(rig, 'GET', '/api/workers/register')).workers.filter((w: any) => w.status === 'idle').length === 2 * maxN,
    60_000,
    250,
  );
  // Parked on a worker that never asks: an upload's job that no one runs (then cancelled).
  await api(rig, 'POST', '/api/workers/register', { workerId: 'parking', hostname: 'parking' }, tokens.joinToken);
  return rig;
}

/** A tiny broadcast to every worker (their code loaded, as on a PC that ran a job before), until a zip went from peer to peer. */
async function warmUp(rig: LabRig, maxN: number, log: (m: string) => void): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const all = await measure(rig, maxN, 'p', 0.01, () => {});
    await measure(rig, maxN, 'c', 0.01, () => {});
    log(`fanout warm-up ${attempt}: ${all.fromPeers} of ${maxN} zips from peers`);
    if (all.fromPeers > 0) return;
  }
  throw new Error('fanout: no zip went from peer to peer in the warm-up; the peer servers are not reachable in the lab.');
}

/** One broadcast of a new random zip to the first `n` workers of a kind; from its creation to the last first command. */
async function measure(rig: LabRig, n: number, kind: 'p' | 'c', sizeMb: number, log: (m: string) => void): Promise<FanoutSample> {
  const ids = Array.from({ length: n }, (_, i) => `${kind}${i + 1}`);
  const fileUrl = await upload(rig, await randomZip(rig.dir, sizeMb));
  const seen = new Map(ids.map((id) => [id, rig.workers.get(id)!.logs.length]));
  const created = await api(rig, 'POST', '/api/runs/create', { mode: 'each', commands: 'true', fileUrl, filename: 'fanout.zip', target: { workers: ids } });
  const newLines = (id: string) => rig.workers.get(id)!.logs.slice(seen.get(id));
  const deadline = 60_000 + n * sizeMb * 250; // three times what 100 Mbit/s needs, and a minute
  await waitUntil(`${n} jobs finished`, () => ids.every((id) => newLines(id).some((l) => l.msg === 'job finished')), deadline, 100);
  const run = await api(rig, 'GET', `/api/runs/status?runId=${created.runId}`);
  const starts = await Promise.all(
    run.jobs.map(async (j: any) => (await api(rig, 'GET', `/api/jobs/status?jobId=${j.jobId}&output=false`)).commandStartedAt as number),
  );
  // Twenty root workers share this machine and its job account: one's cleanup may kill another's `true` (exit 137)
  // after it started. The figure is the first command's start, so a job counts once its command started.
  const ended = run.jobs.filter((j: any) => j.status === 'completed');
  if (ended.length !== n || starts.some((s) => !s))
    throw new Error(`fanout: run ${created.runId} ended with ${JSON.stringify(run.jobs.map((j: any) => [j.workerId, j.status, j.errorMessage]))}`);
  const downloads = ids.flatMap((id) => newLines(id).filter((l) => l.msg === 'bundle downloaded'));
  const sample = {
    seconds: round((Math.max(...starts) - run.createdAt) / 1000),
    fromPeers: downloads.filter((l) => l.from === 'peer').length,
    fallbacks: ids.flatMap((id) => newLines(id).filter((l) => l.msg?.startsWith('could not get the zip from a peer'))).length,
    killedByNeighbour: ended.filter((j: any) => j.exitCode === 137).length,
  };
  if (sizeMb >= 1)
    log(
      `fanout ${kind === 'p' ? 'peers' : 'coordinator only'}, ${n} workers: ${sample.seconds} s (${sample.fromPeers} from peers, ${sample.fallbacks} fell back)`,
    );
  return sample;
}

/** A zip of one stored file of random bytes. */
async function randomZip(dir: string, sizeMb: number): Promise<string> {
  const path = join(dir, 'fanout.zip');
  const size = Math.round(sizeMb * 1024 * 1024);
  const chunks = Math.ceil(size / (1024 * 1024));
  const data = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) yield randomBytes(Math.min(1024 * 1024, size - i * 1024 * 1024));
    })(),
  );
  const zip = new yazl.ZipFile();
  zip.addReadStream(data, 'data.bin', { compress: false, size });
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(createWriteStream(path)).on('finish', resolve).on('error', reject));
  return path;
}

/** Uploads through /api/execute as a job parked on a worker that never asks, then cancels it: the zip stays, unseen by any worker. */
async function upload(rig: LabRig, path: string): Promise<string> {
  const body = await curl(rig, [
    '-F',
    `file=@${path}`,
    '-F',
    'commands=true',
    '-F',
    'mode=distributed',
    '-F',
    'target={"workers":["parking"]}',
    `http://127.0.0.1:${PORT}/api/execute`,
  ]);
  await api(rig, 'POST', '/api/jobs/cancel', { jobId: body.jobId });
  return (await api(rig, 'GET', `/api/jobs/status?jobId=${body.jobId}&output=false`)).fileUrl as string;
}

/** The coordinator's API on its own loopback (plain HTTP there), from its namespace. */
async function api(rig: LabRig, method: string, path: string, body?: unknown, joinToken?: string): Promise<any> {
  const headerFile = joinToken ? join(rig.dir, 'join-header') : rig.authFile;
  if (joinToken) writeFileSync(headerFile, `Authorization: Bearer ${joinToken}\n`, { mode: 0o600 });
  const json = body === undefined ? [] : ['-H', 'content-type: application/json', '--data-binary', '@-'];
  return curl(rig, ['-X', method, ...json, `http://127.0.0.1:${PORT}${path}`], headerFile, body === undefined ? undefined : JSON.stringify(body));
}

async function curl(rig: LabRig, args: string[], headerFile = rig.authFile, input?: string): Promise<any> {
  const res = await rig.lab.exec('coord', 'curl', ['-sS', '--max-time', '120', '-H', `@${headerFile}`, ...args], { input, timeoutMs: 130_000 });
  return JSON.parse(res.stdout);
}

function follow(child: ChildProcess): Follower {
  const logs: any[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      if (logs.length < 100_000) logs.push(JSON.parse(text));
    } catch {
      // not a log line
    }
  });
  child.stderr?.resume();
  return { logs, child };
}

function waitLog(f: Follower, test: (line: any) => boolean, timeoutMs: number): Promise<void> {
  return waitUntil('a log line', () => f.logs.some(test), timeoutMs, 50);
}

async function run(argv: string[]): Promise<void> {
  const { execFile } = await import('node:child_process');
  await new Promise<void>((resolve, reject) =>
    execFile(argv[0]!, argv.slice(1), { timeout: 10_000 }, (error, _out, stderr) => (error ? reject(new Error(`${argv.join(' ')}: ${stderr}`)) : resolve())),
  );
}
