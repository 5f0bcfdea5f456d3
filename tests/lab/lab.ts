/**
 * A lab: a small LAN built from network namespaces, for tests that need real packets (mDNS
 * discovery, TLS on the wire, capture). One "switch" namespace holds a bridge; each host is a
 * namespace joined to it by a veth pair. Nothing is created in the root namespace, so nothing the
 * lab sends can reach the machine's real network.
 */
import { spawn as spawnChild, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureFrom, tcpdumpArgs, ensureTcpdump, type Capture } from './capture.ts';
import { deleteNamespaceSync, ip, LAB_PREFIX, labAvailable, listNamespaces, setSysctls, sweepStaleLabs } from './netns.ts';

export { ensureTcpdump, type Capture } from './capture.ts';
export { labAvailable, sweepStaleLabs } from './netns.ts';

export interface LabHost {
  name: string;
  /** Its IPv4 address on the lab's /24. */
  ip: string;
  /** Its network namespace (for `ip netns exec`). */
  netns: string;
  /** Its interface on the lab's LAN. */
  iface: string;
  /** Its port on the switch: the other end of its veth, in the switch's namespace (where the switch's side is shaped). */
  port: string;
}

export interface LabProcessOptions {
  /** Added to PATH and HOME, which are all the child gets of the test's environment (nothing else leaks in). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExecOptions extends LabProcessOptions {
  input?: string | Buffer;
  /** The command's process group is killed after this long (default 30 s). */
  timeoutMs?: number;
  /** Resolve instead of rejecting when the command fails. */
  allowFailure?: boolean;
}

export interface ExecResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Lab<H extends string = string> {
  /** Short random id; every name the lab creates contains it. */
  id: string;
  /** The LAN, e.g. 10.173.42.0/24. */
  subnet: string;
  switchNetns: string;
  bridge: string;
  hosts: Record<H, LabHost>;
  /** Runs a command inside a host's namespace and collects its output. */
  exec(host: H, cmd: string, args?: string[], options?: ExecOptions): Promise<ExecResult>;
  /** The same, blocking (for setup steps and 'exit' handlers); never rejects: check `status`. */
  execSync(host: H, cmd: string, args?: string[], options?: Omit<ExecOptions, 'allowFailure'>): ExecResult;
  /** Starts a long-running process inside a host's namespace, in its own process group; destroy() kills it. */
  spawn(host: H, cmd: string, args?: string[], options?: LabProcessOptions & { stdio?: StdioOptions }): ChildProcess;
  /** Starts tcpdump on the bridge (every frame between hosts); stop() gives the pcap bytes. */
  capture(): Promise<Capture>;
  /** Kills every process the lab started and deletes its namespaces; safe to call twice. */
  destroy(): Promise<void>;
}

export interface LabOptions<H extends string> {
  hosts: readonly H[];
}

const TERM_GRACE_MS = 3000;
const LINK_UP_TIMEOUT_MS = 5000;
const live = new Set<{ destroySync(): void }>();

/**
 * Builds a lab with one namespace per host on one random 10.X.Y.0/24. Throws labAvailable()'s
 * sentence when namespaces cannot be used here (tests then fail rather than skip).
 */
export async function createLab<const H extends string>(options: LabOptions<H>): Promise<Lab<H>> {
  const unavailable = labAvailable();
  if (unavailable) throw new Error(unavailable);
  const names = [...options.hosts];
  validateHostNames(names);
  sweepStaleLabs();
  installExitHandlers();

  const id = randomBytes(3).toString('hex');
  const prefix = `${LAB_PREFIX}${process.pid}-${id}`;
  const net = `10.${randomInt(100, 250)}.${randomInt(0, 256)}`;
  const switchNetns = `${prefix}-switch`;
  const bridge = `cx${id}br`;
  const hosts = {} as Record<H, LabHost>;
  for (const [i, name] of names.entries())
    hosts[name] = { name, ip: `${net}.${i + 1}`, netns: `${prefix}-h-${name}`, iface: `cx${id}h${i}`, port: `cx${id}p${i}` };
  const namespaces: string[] = [];
  const children = new Set<ChildProcess>();
  let destroyed = false;

  const destroySync = () => {
    destroyed = true;
    for (const child of children) killGroup(child, 'SIGKILL');
    // Hosts first: their veth ends take the switch's ends with them.
    for (const netns of [...namespaces].reverse()) deleteNamespaceSync(netns);
    live.delete(entry);
  };
  const entry = { destroySync };
  live.add(entry);

  try {
    namespaces.push(switchNetns);
    await ip(['netns', 'add', switchNetns]);
    await setSysctls(switchNetns, { 'net.ipv6.conf.default.disable_ipv6': 1, 'net.ipv6.conf.all.disable_ipv6': 1 });
    // No STP and no snooping: ports forward at once and multicast floods like on a cheap switch.
    await ip(['-n', switchNetns, 'link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    await ip(['-n', switchNetns, 'link', 'set', bridge, 'up']);
    await ip(['-n', switchNetns, 'link', 'set', 'lo', 'up']);
    for (const name of names) {
      const host = hosts[name];
      const port = host.port;
      namespaces.push(host.netns);
      await ip(['netns', 'add', host.netns]);
      await ip(['-n', switchNetns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', host.iface, 'netns', host.netns]);
      await ip(['-n', switchNetns, 'link', 'set', port, 'master', bridge]);
      await ip(['-n', switchNetns, 'link', 'set', port, 'up']);
      // IPv6 off on the LAN (lo keeps ::1): no DAD delay, no router solicitations in captures.
      await setSysctls(host.netns, { [`net.ipv6.conf.${host.iface}.disable_ipv6`]: 1 });
      await ip(['-n', host.netns, 'addr', 'add', `${host.ip}/24`, 'dev', host.iface]);
      await ip(['-n', host.netns, 'link', 'set', host.iface, 'up']);
      await ip(['-n', host.netns, 'link', 'set', 'lo', 'up']);
      // Without a default route, multicast (mDNS on 224.0.0.251) needs its own route to leave.
      await ip(['-n', host.netns, 'route', 'add', '224.0.0.0/4', 'dev', host.iface]);
    }
    for (const name of names) await waitForLinkUp(hosts[name].netns, hosts[name].iface);
  } catch (error) {
    destroySync();
    throw error;
  }

  const processEnv = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...env });
  const netnsOf = (host: H): string => {
    if (destroyed) throw new Error(`lab ${id} is destroyed; create a new one.`);
    const found = (hosts as Record<string, LabHost | undefined>)[host];
    if (!found) throw new Error(`lab ${id} has no host "${host}"; it has ${names.join(', ')}.`);
    return found.netns;
  };
  const start = (netns: string, cmd: string, args: string[], opts: LabProcessOptions & { stdio?: StdioOptions }): ChildProcess => {
    const child = spawnChild('ip', ['netns', 'exec', netns, cmd, ...args], {
      detached: true, // its own process group, so destroy() reaches its children too
      env: processEnv(opts.env),
      cwd: opts.cwd,
      stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  return {
    id,
    subnet: `${net}.0/24`,
    switchNetns,
    bridge,
    hosts,
    spawn: (host, cmd, args = [], opts = {}) => start(netnsOf(host), cmd, args, opts),
    async exec(host, cmd, args = [], opts = {}) {
      return execIn(start(netnsOf(host), cmd, args, { ...opts, stdio: 'pipe' }), `${cmd} in ${host}`, opts);
    },
    execSync(host, cmd, args = [], opts = {}) {
      const result = spawnSync('ip', ['netns', 'exec', netnsOf(host), cmd, ...args], {
        encoding: 'utf8',
        env: processEnv(opts.env),
        cwd: opts.cwd,
        input: opts.input,
        timeout: opts.timeoutMs ?? 30_000,
        killSignal: 'SIGKILL',
      });
      return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
    },
    async capture() {
      ensureTcpdump();
      if (destroyed) throw new Error(`lab ${id} is destroyed; create a new one.`);
      return captureFrom(start(switchNetns, 'tcpdump', tcpdumpArgs(bridge), {}), `bridge ${bridge}`);
    },
    async destroy() {
      if (destroyed) return;
      await Promise.all([...children].map((child) => stopGroup(child)));
      destroySync();
      const left = listNamespaces().filter((name) => name.startsWith(prefix));
      if (left.length > 0) throw new Error(`lab ${id} could not delete namespaces ${left.join(', ')}; sweepStaleLabs() retries after this process exits.`);
    },
  };
}

function validateHostNames(names: string[]): void {
  if (names.length === 0 || names.length > 200) throw new Error(`a lab has 1 to 200 hosts, not ${names.length}.`);
  for (const name of names)
    if (!/^[a-z][a-z0-9-]{0,30}$/i.test(name)) throw new Error(`lab host name "${name}" must be a letter then letters, digits or dashes (at most 31).`);
  if (new Set(names).size !== names.length) throw new Error(`lab host names must be distinct: ${names.join(', ')}.`);
}

async function waitForLinkUp(netns: string, iface: string): Promise<void> {
  const deadline = Date.now() + LINK_UP_TIMEOUT_MS;
  for (let attempt = 0; Date.now() < deadline && attempt < 100; attempt++) {
    if ((await ip(['-n', netns, '-o', 'link', 'show', 'dev', iface])).includes('LOWER_UP')) return;
    await sleep(50);
  }
  throw new Error(`interface ${iface} in ${netns} did not come up within ${LINK_UP_TIMEOUT_MS} ms.`);
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!running(child) || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** SIGTERM to the group, then SIGKILL if it is still there after a grace period. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), TERM_GRACE_MS).unref());
  if ((await Promise.race([exited, timer])) === 'late') killGroup(child, 'SIGKILL');
}

function execIn(child: ChildProcess, label: string, opts: ExecOptions): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // A command that exits without reading its stdin (curl, a failing `ip netns exec`) closes the pipe first: not an error.
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${label} could not start: ${error.message}`));
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const result = { status, signal, stdout, stderr };
      if (timedOut) reject(new Error(`${label} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
      else if (status !== 0 && !opts.allowFailure) reject(new Error(`${label} failed (${signal ?? `exit ${status}`}): ${stderr.slice(-2000)}`));
      else resolve(result);
    });
  });
}

let handlersInstalled = false;

/** Labs die with the test process however it ends; SIGKILL leaves them to sweepStaleLabs(). */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const destroyAll = () => {
    for (const lab of [...live]) lab.destroySync();
  };
  process.on('exit', destroyAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      destroyAll();
      // Alone on this signal, we must still let it end the process as it would have.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
