/** `cmdx logs JOB [-f]`: the job's whole log as text; with -f, its log as it comes until the job ends. */
import { LOGS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { followLog } from '../follow.ts';
import type { ApiClient } from '../http.ts';
import { JobOutputFilter, rawOutput } from '../job-output.ts';
import { writeChunk } from '../output.ts';
import { escapeCodes, redStderr, type Terminal } from '../render.ts';
import { openClient, requireJobId } from '../session.ts';

export async function logsCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(LOGS_OPTIONS, args, { min: 1, max: 1, what: 'a job id' }, term.env);
  const id = requireJobId(positionals[0]!);
  const raw = rawOutput(term.out, values.raw);
  const api = openClient(values, term);
  try {
    if (values.follow) await printLogLive(api, id, term, raw);
    else {
      const filter = new JobOutputFilter(raw);
      for await (const chunk of await api.stream('/api/jobs/log', { jobId: id, format: 'text' })) await writeChunk(term.out, filter.push(chunk as Buffer));
      await writeChunk(term.out, filter.end());
    }
    return 0;
  } finally {
    api.close();
  }
}

/** The job's log from its start, then as it comes, stderr in red on a terminal; resolves when the job has ended. */
export async function printLogLive(api: ApiClient, id: string, term: Terminal, raw = false): Promise<void> {
  const colours = escapeCodes(term.out, term.env);
  // One filter per stream: a sequence split between two chunks of stdout is not cut by stderr between them.
  const filters = { stdout: new JobOutputFilter(raw), stderr: new JobOutputFilter(raw) };
  await followLog(api, id, (entry) => {
    const safe = filters[entry.stream].push(entry.data);
    return writeChunk(term.out, colours && entry.stream === 'stderr' && typeof safe === 'string' ? redStderr(safe) : safe);
  });
  await writeChunk(term.out, filters.stdout.end() + filters.stderr.end());
}
