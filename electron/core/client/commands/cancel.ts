/** `cmdx cancel JOB|RUN`: a pending job stops at once, a running one through its worker; a run's every unfinished job. */
import { CANCEL_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import type { Terminal } from '../render.ts';
import { jobOrRun, openClient } from '../session.ts';

export async function cancelCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(CANCEL_OPTIONS, args, { min: 1, max: 1, what: 'a job or run id' }, term.env);
  const id = positionals[0]!;
  const kind = jobOrRun(id);
  const api = openClient(values, term);
  try {
    if (kind === 'job') {
      const answer = await api.call('postJobsCancel', { body: { jobId: id } });
      term.out.write(`${id}: ${answer.message}.\n`);
    } else {
      const answer = await api.call('postRunsCancel', { body: { runId: id } });
      term.out.write(`${id}: ${answer.cancelled} job(s) cancelled, ${answer.cancelling} stopping on their worker.\n`);
    }
    return 0;
  } finally {
    api.close();
  }
}
