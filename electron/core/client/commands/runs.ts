/** `cmdx runs`: the latest runs and their summaries, newest first. */
import type { RunDto } from '../../../../shared/api.ts';
import { RUNS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { oneLine } from '../describe.ts';
import { plainStrings } from '../job-output.ts';
import { printJson } from '../output.ts';
import { escapeCodes, formatTime, paint, table, type Paint, type Terminal } from '../render.ts';
import { openClient } from '../session.ts';

export async function runsCommand(args: string[], term: Terminal): Promise<number> {
  const { values } = parseCommandLine(RUNS_OPTIONS, args, { min: 0, max: 0, what: 'arguments' }, term.env);
  const api = openClient(values, term);
  try {
    const answer = await api.call('getRunsCreate', {
      query: { limit: values.limit },
    });
    if (values.json) {
      printJson(term.out, answer);
      return 0;
    }
    if (answer.runs.length === 0) {
      term.out.write('No runs yet: "cmdx submit --on all --run COMMAND" starts one.\n');
      return 0;
    }
    const p = paint(escapeCodes(term.out, term.env));
    const rows = plainStrings(answer.runs).map((r) => [
      r.runId,
      oneLine(r.name ?? '', 30),
      r.mode,
      result(r, p),
      formatTime(r.createdAt),
      oneLine(r.command, 50),
    ]);
    term.out.write(table([['RUN', 'NAME', 'MODE', 'RESULT', 'CREATED', 'COMMAND'], ...rows]));
    if (answer.total > answer.runs.length) term.out.write(`${answer.runs.length} of ${answer.total} shown (--limit N for more).\n`);
    return 0;
  } finally {
    api.close();
  }
}

/** `5/5 passed`, `3/5 passed, 2 failed`, `1/5 passed, 4 going`. */
function result(run: RunDto, p: Paint): string {
  const s = run.summary;
  const going = s.pending + s.running;
  const text = `${s.passed}/${s.total} passed${s.failed ? `, ${s.failed} failed` : ''}${s.cancelled ? `, ${s.cancelled} cancelled` : ''}${going ? `, ${going} going` : ''}`;
  if (going) return p.yellow(text);
  return s.passed === s.total ? p.green(text) : p.red(text);
}
