/** Waits for one command line's shell: its exit code, its output handed on with backpressure, and pipes a background child holds let go. */
import type { ChildProcess } from 'node:child_process';
import type { RunOptions } from './executor.ts';
import { garbageBudget } from './memory.ts';

export type ChildOutcome = { status: 'done'; exitCode: number; exitedAt: number } | { status: 'error'; message: string };

/** After the shell exits, how long its pipes may stay open (held by a background child) before we stop reading. */
const PIPE_DRAIN_MS = 500;

export function waitForChild(child: ChildProcess, line: string, options: Pick<RunOptions, 'onOutput'>): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let waitingOnConsumer = 0;
    const done = () => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(drainTimer);
      resolve({ status: 'done', exitCode: exit.code ?? 128 + signalNumber(exit.signal), exitedAt: exit.at });
    };
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      resolve({ status: 'error', message: `Could not start the shell for "${line}": ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: performance.now() };
      // A background process (`server &`) keeps the pipes open; do not wait for it to finish.
      const stopReading = () => {
        // Output we already read but the consumer has not taken yet is never thrown away.
        if (waitingOnConsumer > 0) return void (drainTimer = setTimeout(stopReading, PIPE_DRAIN_MS));
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      };
      drainTimer = setTimeout(stopReading, PIPE_DRAIN_MS);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal, at: performance.now() };
      done();
    });
    // Every 2 MB: at 4 MB the worker's peak for 200 MB of output ranged 125-144 MB on a busy 2-core machine, too near 150.
    const noteRead = garbageBudget(2 * 1024 * 1024);
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = child[name]!;
      stream.on('data', (chunk: Buffer) => {
        noteRead(chunk.length);
        const pending = options.onOutput(name, chunk);
        if (pending && typeof pending.then === 'function') {
          stream.pause();
          waitingOnConsumer++;
          const resume = () => {
            waitingOnConsumer--;
            stream.resume();
          };
          pending.then(resume, resume);
        }
      });
    }
  });
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && SIGNAL_NUMBERS[signal]) || 1;
}
