/** Packet capture with tcpdump: raw pcap bytes, for tests that look for secrets sent in clear. */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Capture {
  /** Stops tcpdump (after letting packets in flight arrive) and resolves with the pcap file's bytes. */
  stop(): Promise<Buffer>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
// Frames sent just before stop() may still be on their way through the veths.
const SETTLE_MS = 300;

/** Throws a sentence saying how to install tcpdump when it is missing. */
export function ensureTcpdump(): void {
  const result = spawnSync('tcpdump', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (result.error || result.status !== 0)
    throw new Error('tcpdump is not installed, and packet-capture tests need it: apt-get install -y tcpdump (.ci/run installs it in CI).');
}

/**
 * tcpdump's arguments: pcap to stdout (no file, so its privilege drop and AppArmor profile do not
 * matter), written per packet (-U), delivered without buffering (--immediate-mode), whole frames.
 */
export function tcpdumpArgs(iface: string): string[] {
  return ['-i', iface, '-w', '-', '-U', '--immediate-mode', '-n', '-s', '0'];
}

function within<T>(promise: Promise<T>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Wraps a running `tcpdump` (spawned with tcpdumpArgs and piped stdout/stderr); resolves once it listens. */
export async function captureFrom(child: ChildProcess, label: string): Promise<Capture> {
  const chunks: Buffer[] = [];
  let stderr = '';
  // 'close' comes after the last stdout bytes were read, unlike 'exit'.
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr += text;
  });
  const listening = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    const check = () => {
      if (!stderr.includes('listening on')) return;
      clearTimeout(timer);
      resolve(true);
    };
    child.stderr?.on('data', check);
    void closed.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!listening) {
    child.kill('SIGKILL');
    throw new Error(`tcpdump on ${label} did not start within ${READY_TIMEOUT_MS} ms: ${stderr.trim() || 'no output'}`);
  }
  let stopped: Promise<Buffer> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        if (!isClosed) {
          await sleep(SETTLE_MS);
          child.kill('SIGINT'); // tcpdump flushes what it holds and exits
          if (!(await within(closed, STOP_TIMEOUT_MS))) {
            child.kill('SIGKILL');
            await within(closed, STOP_TIMEOUT_MS);
          }
        }
        return Buffer.concat(chunks);
      })();
      return stopped;
    },
  };
}
