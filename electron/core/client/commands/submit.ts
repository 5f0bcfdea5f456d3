/**
 * `cmdx submit [DIR|ZIP] --run COMMAND ...`: zips the folder (or takes the zip), uploads it and
 * queues one job (POST /api/execute) or, with --on, a run with one job per PC (POST /api/runs/create);
 * then, if asked, follows it and exits with its outcome.
 */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { JobDto, JobTarget } from '../../../../shared/api.ts';
import { jobShell } from '../../../../shared/api-schemas.ts';
import { SUBMIT_OPTIONS } from '../../options/client-options.ts';
import type { OptionValues } from '../../options/option-table.ts';
import { parseCommandLine, UsageError } from '../../options/parse-options.ts';
import { outcomeText, runHeadline } from '../describe.ts';
import { EXIT, jobExitCode, runExitCode } from '../exit-codes.ts';
import { waitForJobEnd } from '../follow.ts';
import type { ApiClient } from '../http.ts';
import { multipartBody } from '../multipart.ts';
import { packFolder } from '../pack.ts';
import { escapeCodes, formatBytes, formatDuration, paint, progressBar, type Terminal } from '../render.ts';
import { waitForRunEnd, watchRun } from '../run-watch.ts';
import { openClient } from '../session.ts';
import { parseOn } from '../target.ts';
import { printLogLive } from './logs.ts';
import { plainStrings, rawOutput } from '../job-output.ts';

type SubmitValues = OptionValues<typeof SUBMIT_OPTIONS>;

/** The zip to send: the one given, or the folder packed into a temporary one. */
interface Upload {
  path: string;
  size: number;
  filename: string;
  cleanup: () => Promise<void>;
}

export async function submitCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(SUBMIT_OPTIONS, args, { min: 0, max: 1, what: 'folder or zip' }, term.env);
  if (values.run.length === 0) throw new UsageError('Say what to run: --run "npm test" (repeat --run for more lines, run in order).');
  if (values.run.some((line) => line.includes('\n'))) throw new UsageError('Give each command line as its own --run.');
  const target = values.on === undefined ? undefined : parseOn(values.on);
  if (values.score !== undefined && target === undefined) throw new UsageError('--score grades the jobs of a run; add --on (e.g. --on all).');
  if (values.name !== undefined && target === undefined) throw new UsageError('--name names a run; add --on (e.g. --on all).');
  if (values.shell !== undefined) checkShell(values.shell);
  const api = openClient(values, term); // configuration problems are told before any packing
  try {
    const upload = await prepareUpload(positionals[0] ?? '.', term);
    let id: string;
    try {
      id = await send(api, upload, values, target, term);
    } finally {
      await upload.cleanup();
    }
    // Without --follow the id is the one line on stdout, for scripts: JOB=$(cmdx submit ...).
    if (!values.follow) term.out.write(`${id}\n`);
    term.err.write(`${id.startsWith('run-') ? 'Run' : 'Job'} ${id}: ${api.dashboardUrl(id)}\n`);
    return id.startsWith('run-') ? await afterRun(api, id, values, term) : await afterJob(api, id, values, term);
  } finally {
    api.close();
  }
}

async function prepareUpload(source: string, term: Terminal): Promise<Upload> {
  let info;
  try {
    info = await stat(source);
  } catch {
    throw new UsageError(`${source} does not exist; give a project folder or a zip file (none: the current folder).`);
  }
  if (info.isDirectory()) {
    const packed = await packFolder(source);
    for (const note of packed.notes) term.err.write(`cmdx: ${note}\n`);
    term.err.write(`Packed ${packed.files} file(s) from ${source} into ${formatBytes(packed.size)} (.gitignore honoured; node_modules and .git left out).\n`);
    return { path: packed.zipPath, size: packed.size, filename: basename(packed.zipPath), cleanup: packed.cleanup };
  }
  if (!info.isFile() || !(await looksLikeZip(source))) throw new UsageError(`${source} is neither a folder nor a zip file.`);
  return { path: source, size: info.size, filename: basename(source), cleanup: () => Promise.resolve() };
}

/** A zip starts with a local file header, or is an empty archive's end record. */
async function looksLikeZip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    const magic = buffer.subarray(0, bytesRead).toString('latin1');
    return magic === 'PK\x03\x04' || magic === 'PK\x05\x06';
  } finally {
    await file.close();
  }
}

/** --shell checked as the coordinator checks it (the same schema): a typo is told before anything is packed or sent. */
function checkShell(text: string): void {
  const checked = jobShell.safeParse(text);
  if (!checked.success) throw new UsageError(`--shell ${checked.error.issues[0]!.message}.`);
}

/** Uploads and creates the job or the run; resolves with its id. */
async function send(api: ApiClient, upload: Upload, values: SubmitValues, target: JobTarget | null | undefined, term: Terminal): Promise<string> {
  const fields: [string, string][] = [['commands', values.run.join('\n')]];
  if (values.timeout !== undefined) fields.push(['timeoutSeconds', String(values.timeout)]);
  if (values.attempts !== undefined) fields.push(['maxAttempts', String(values.attempts)]);
  if (values.artifacts.length > 0) fields.push(['artifacts', JSON.stringify(values.artifacts)]);
  if (values.shell !== undefined) fields.push(['shell', values.shell]);
  if (target !== undefined) {
    fields.push(['mode', 'each']);
    if (target !== null) fields.push(['target', JSON.stringify(target)]);
    if (values.score !== undefined) fields.push(['scorePattern', values.score]);
    if (values.name !== undefined) fields.push(['name', values.name]);
  } else {
    fields.push(['mode', 'distributed']);
  }
  const body = multipartBody(fields, { field: 'file', filename: upload.filename, path: upload.path, size: upload.size });
  term.err.write(`Sending ${formatBytes(upload.size)} to ${api.server}\n`);
  const bar = progressBar(term.err, term.env, upload.size, 'Uploading');
  if (target === undefined) {
    const answer = await api.upload('postExecute', body, (sent) => bar.update(sent));
    bar.finish();
    return answer.jobId;
  }
  const answer = await api.upload('postRunsCreate', body, (sent) => bar.update(sent));
  bar.finish();
  term.err.write(`${answer.count} job(s), one per PC${target === null ? '' : ` matching ${values.on}`}.\n`);
  return answer.runId;
}

async function afterJob(api: ApiClient, id: string, values: SubmitValues, term: Terminal): Promise<number> {
  if (!values.follow && !values.wait) return EXIT.ok;
  if (values.follow) await printLogLive(api, id, term, rawOutput(term.out, values.raw));
  const job = await waitForJobEnd(api, id);
  term.err.write(`${endLine(job, term)}\n`);
  return values.wait ? jobExitCode(job) : EXIT.ok;
}

async function afterRun(api: ApiClient, id: string, values: SubmitValues, term: Terminal): Promise<number> {
  if (!values.follow && !values.wait) return EXIT.ok;
  const run = values.follow ? await watchRun(api, id, term.out, term.env) : await waitForRunEnd(api, id);
  if (!values.follow) term.out.write(`${runHeadline(run)}\n`);
  return values.wait ? runExitCode(run.summary) : EXIT.ok;
}

/** `job-…: passed on pc-1 in 1.2 s`, coloured on a terminal. */
function endLine(shown: JobDto, term: Terminal): string {
  const job = plainStrings(shown);
  const p = paint(escapeCodes(term.err, term.env));
  const text = `${job.jobId}: ${outcomeText(job)}${job.workerId ? ` on ${job.workerName ?? job.workerId}` : ''}${
    job.startedAt !== null && job.completedAt !== null ? ` in ${formatDuration(job.completedAt - job.startedAt)}` : ''
  }`;
  return job.status === 'completed' && job.exitCode === 0 ? p.green(text) : p.red(text);
}
