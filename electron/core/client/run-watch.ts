/**
 * A run's live per-PC summary (GET /api/runs/status, polled): redrawn in place on a terminal; in a
 * pipe (or with NO_COLOR), one line for each job whose state changed, so a log file reads as a history.
 */
import type { RunStatusDto } from '../../../shared/api.ts';
import { runHeadline, runRow, runRows } from './describe.ts';
import { patiently, POLL_MS, sleep } from './follow.ts';
import type { ApiClient } from './http.ts';
import { plainStrings } from './job-output.ts';
import { escapeCodes, cutToWidth, paint, table, type OutStream } from './render.ts';

export async function runStatus(api: ApiClient, runId: string): Promise<RunStatusDto> {
  return api.call('getRunsStatus', { query: { runId } });
}

/** Polls the run until all its jobs have ended; resolves with its last status. */
export async function waitForRunEnd(api: ApiClient, runId: string, onStatus?: (run: RunStatusDto) => void): Promise<RunStatusDto> {
  for (;;) {
    const run = plainStrings(await patiently(() => runStatus(api, runId)));
    onStatus?.(run);
    if (run.completedAt !== null) return run;
    await sleep(POLL_MS);
  }
}

/** Shows the run's summary as it changes until it is done, on `out`. */
export async function watchRun(api: ApiClient, runId: string, out: OutStream, env: NodeJS.ProcessEnv): Promise<RunStatusDto> {
  const view = escapeCodes(out, env) ? redrawingView(out) : appendingView(out);
  const run = await waitForRunEnd(api, runId, (status) => view.show(status));
  view.end(run);
  return run;
}

interface RunView {
  show(run: RunStatusDto): void;
  end(run: RunStatusDto): void;
}

/** The whole summary, drawn again over itself (lines cut to the terminal's width, so that they never wrap). */
function redrawingView(out: OutStream): RunView {
  const p = paint(true);
  let drawn = 0;
  let last = '';
  return {
    show(run) {
      const width = Math.max(20, (out.columns || 100) - 1); // 0 when the terminal does not say
      const lines = [p.bold(runHeadline(run)), ...table(runRows(run, p)).split('\n').filter(Boolean)].map((line) => cutToWidth(line, width));
      const text = lines.join('\n');
      if (text === last) return;
      out.write(`${drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : ''}${text}\n`);
      drawn = lines.length;
      last = text;
    },
    end() {},
  };
}

/** One line per change of a job's state, then the headline at the end. */
function appendingView(out: OutStream): RunView {
  const p = paint(false);
  const seen = new Map<string, string>();
  return {
    show(run) {
      for (const job of run.jobs) {
        const line = runRow(run.mode, job, p)
          .filter((cell) => cell !== '')
          .join('  ');
        const state = `${job.status}:${job.exitCode}:${job.workerName}`;
        if (seen.get(job.jobId) === state) continue;
        seen.set(job.jobId, state);
        out.write(`${line}\n`);
      }
    },
    end(run) {
      out.write(`${runHeadline(run)}\n`);
    },
  };
}
