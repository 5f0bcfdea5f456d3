/** `cmdx status JOB|RUN`: a job's state and exit code, or a run's summary with one line per PC. */
import { STATUS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { jobDetails, runHeadline, runRows } from '../describe.ts';
import { plainStrings } from '../job-output.ts';
import { printJson } from '../output.ts';
import { escapeCodes, paint, table, type Terminal } from '../render.ts';
import { runStatus } from '../run-watch.ts';
import { jobOrRun, openClient } from '../session.ts';

export async function statusCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(STATUS_OPTIONS, args, { min: 1, max: 1, what: 'a job or run id' }, term.env);
  const id = positionals[0]!;
  const kind = jobOrRun(id);
  const api = openClient(values, term);
  try {
    const p = paint(escapeCodes(term.out, term.env));
    if (kind === 'job') {
      const job = await api.call('getJobsStatus', { query: { jobId: id } });
      if (values.json) printJson(term.out, job);
      else term.out.write(table(jobDetails(plainStrings(job), p, api.dashboardUrl(id))));
      return 0;
    }
    const run = await runStatus(api, id);
    if (values.json) {
      printJson(term.out, run);
      return 0;
    }
    term.out.write(`${p.bold(runHeadline(run))}\n${table(runRows(plainStrings(run), p))}dashboard: ${api.dashboardUrl(id)}\n`);
    return 0;
  } finally {
    api.close();
  }
}
