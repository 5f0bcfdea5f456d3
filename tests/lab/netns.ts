/**
 * Low-level pieces of the lab: running `ip`, probing whether network namespaces can be used, and
 * removing namespaces (with every process inside them) by name, now or from a crashed run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Every namespace a lab creates starts with this, then the owning test process's pid. */
export const LAB_PREFIX = 'cmdxlab-';
const IP_TIMEOUT_MS = 10_000;

/** Runs `ip` with `args`; rejects with its stderr when it fails. */
export function ip(args: string[], timeoutMs = IP_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** `ip` for places that cannot wait (process 'exit' handlers); returns null when it fails. */
export function ipSync(args: string[], timeoutMs = IP_TIMEOUT_MS): string | null {
  const result = spawnSync('ip', args, { timeout: timeoutMs, encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

/** Writes sysctls inside a namespace (/proc/sys/net is per namespace, so it must be entered). */
export function setSysctls(netns: string, values: Record<string, string | number>): Promise<string> {
  const script = Object.entries(values)
    .map(([key, value]) => `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`)
    .join(' && ');
  return ip(['netns', 'exec', netns, 'sh', '-c', script]);
}

export function listNamespaces(): string[] {
  const out = ipSync(['netns', 'list']) ?? '';
  // Lines look like "name" or "name (id: 3)".
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

function pidsIn(netns: string): number[] {
  return (ipSync(['netns', 'pids', netns]) ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1 && pid !== process.pid);
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills every process left in `netns` and deletes it. Synchronous so that process 'exit' handlers
 * can use it; a namespace that still holds a process would outlive its name, veths included.
 */
export function deleteNamespaceSync(netns: string): void {
  for (let round = 0; round < 20; round++) {
    const pids = pidsIn(netns);
    if (pids.length === 0) break;
    for (const pid of pids) killQuietly(pid, 'SIGKILL');
    sleepSync(50);
  }
  ipSync(['netns', 'del', netns]);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces (and their processes) of labs whose test process is gone: a run killed by
 * SIGKILL cannot clean up after itself. Labs of live processes (concurrent test files) are kept.
 * Returns the names removed.
 */
export function sweepStaleLabs(): string[] {
  const removed: string[] = [];
  for (const name of listNamespaces()) {
    const owner = /^cmdxlab-(\d+)-/.exec(name)?.[1];
    if (owner === undefined || alive(Number(owner))) continue;
    deleteNamespaceSync(name);
    removed.push(name);
  }
  return removed;
}

let availability: string | null | undefined;

/**
 * Null when this process can build labs (Linux, root, `ip` with netns, veth and bridge support),
 * else a sentence saying why not and what to do. Probes for real, once per process.
 */
export function labAvailable(): string | null {
  availability ??= probe();
  return availability;
}

function probe(): string | null {
  if (process.platform !== 'linux') return `Network-namespace labs need Linux; this is ${process.platform}.`;
  if (process.getuid?.() !== 0) return 'Network-namespace labs need root (ip netns add): run the lab tests as root, as CI does.';
  const version = spawnSync('ip', ['-V'], { encoding: 'utf8', timeout: 5000 });
  if (version.error) return 'The `ip` command is missing: install iproute2 (apt-get install -y iproute2).';
  const netns = `${LAB_PREFIX}${process.pid}-probe${randomBytes(3).toString('hex')}`;
  const steps: string[][] = [
    ['netns', 'add', netns],
    ['-n', netns, 'link', 'add', 'probebr', 'type', 'bridge'],
    ['-n', netns, 'link', 'add', 'probev0', 'type', 'veth', 'peer', 'name', 'probev1'],
  ];
  try {
    for (const args of steps) {
      const result = spawnSync('ip', args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
      if (result.status !== 0)
        return `Network namespaces cannot be used here: \`ip ${args.join(' ')}\` failed (${(result.stderr || String(result.error)).trim()}); run as root with CAP_SYS_ADMIN and CAP_NET_ADMIN (a privileged container).`;
    }
    return null;
  } finally {
    ipSync(['netns', 'del', netns]);
  }
}
