/** `cmdx logs JOB [-f] [--timestamps]`: the job's whole log as text; with -f, its log as it comes until the job ends. */
import type { LogEntry } from '../../../../shared/api.ts';
import { LOGS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine, UsageError } from '../../options/parse-options.ts';
import { followLog, readStoredLog } from '../follow.ts';
import type { ApiClient } from '../http.ts';
import { JobOutputFilter, rawOutput } from '../job-output.ts';
import { LineStamps } from '../line-stamps.ts';
import { writeChunk } from '../output.ts';
import { escapeCodes, paint, redStderr, type Terminal } from '../render.ts';
import { openClient, requireJobId } from '../session.ts';

type ReadLog = (write: (entry: LogEntry) => Promise<void>) => Promise<void>;

export async function logsCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(LOGS_OPTIONS, args, { min: 1, max: 1, what: 'a job id' }, term.env);
  const id = requireJobId(positionals[0]!);
  const raw = rawOutput(term.out, values.raw);
  if (raw && values.timestamps) throw new UsageError('--raw writes the bytes as they came and --timestamps adds to them: give one of the two.');
  const api = openClient(values, term);
  try {
    if (values.follow) await printLog(term, raw, values.timestamps ?? false, (write) => followLog(api, id, write));
    // The times come with the log's pages; the whole log as text has none.
    else if (values.timestamps) await printLog(term, false, true, (write) => readStoredLog(api, id, write));
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
export function printLogLive(api: ApiClient, id: string, term: Terminal, raw = false): Promise<void> {
  return printLog(term, raw, false, (write) => followLog(api, id, write));
}

/** Writes what `read` gives: only colours and line ends of the job's output unless raw, stderr in red on a terminal, stamped lines if asked. */
async function printLog(term: Terminal, raw: boolean, timestamps: boolean, read: ReadLog): Promise<void> {
  const colours = escapeCodes(term.out, term.env);
  // One filter per stream: a sequence split between two chunks of stdout is not cut by stderr between them.
  const filters = { stdout: new JobOutputFilter(raw), stderr: new JobOutputFilter(raw) };
  const p = paint(colours);
  const stamps = timestamps ? new LineStamps((stamp) => p.dim(stamp)) : null;
  let lastTime = 0;
  await read((entry) => {
    let safe = filters[entry.stream].push(entry.data);
    lastTime = entry.time;
    if (stamps && typeof safe === 'string') safe = stamps.push(safe, entry.time);
    return writeChunk(term.out, colours && entry.stream === 'stderr' && typeof safe === 'string' ? redStderr(safe) : safe);
  });
  const rest = filters.stdout.end() + filters.stderr.end();
  await writeChunk(term.out, stamps ? stamps.push(rest, lastTime) : rest);
}
