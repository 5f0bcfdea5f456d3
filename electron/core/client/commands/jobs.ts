/** `cmdx jobs`: the latest jobs, newest first, filtered by status or outcome. */
import { JOBS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { oneLine, paintedOutcome } from '../describe.ts';
import { plainStrings } from '../job-output.ts';
import { printJson } from '../output.ts';
import { escapeCodes, formatTime, paint, table, type Terminal } from '../render.ts';
import { openClient } from '../session.ts';

export async function jobsCommand(args: string[], term: Terminal): Promise<number> {
  const { values } = parseCommandLine(JOBS_OPTIONS, args, { min: 0, max: 0, what: 'arguments' }, term.env);
  const api = openClient(values, term);
  try {
    // The coordinator checks status and outcome, and says what they may be.
    const answer = await api.call('getJobsCreate', {
      query: { limit: values.limit, status: values.status, outcome: values.outcome },
    });
    if (values.json) {
      printJson(term.out, answer);
      return 0;
    }
    if (answer.jobs.length === 0) {
      term.out.write('No jobs match.\n');
      return 0;
    }
    const p = paint(escapeCodes(term.out, term.env));
    const rows = plainStrings(answer.jobs).map((j) => [
      j.jobId,
      paintedOutcome({ ...j, errorMessage: null }, p),
      j.workerName ?? j.workerId ?? '-',
      formatTime(j.createdAt),
      oneLine(j.command, 50),
    ]);
    term.out.write(table([['JOB', 'STATE', 'WORKER', 'CREATED', 'COMMAND'], ...rows]));
    const total = answer.total ?? answer.jobs.length; // without a query the seed answers the whole list
    if (total > answer.jobs.length) term.out.write(`${answer.jobs.length} of ${total} shown (--limit N for more).\n`);
    return 0;
  } finally {
    api.close();
  }
}
