/** Sending what the new-job form describes: one job (an upload, or a zip the coordinator keeps), a direct run, or a run. */
import type { DirectRunEvent, JobTarget } from '../../../shared/api.ts';
import type { ShellName } from '../../../shared/shells.ts';
import { ApiError, type CoordinatorApi, type RunParts, type RunRequest } from '../../lib/api.ts';

export interface ZipSource {
  /** Chosen in the form. */
  files: readonly File[];
  /** Kept by the coordinator from the job the form comes from (Run again). */
  reused: { fileUrl: string; filename: string } | null;
}

export interface JobSpec {
  commands: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
  target: JobTarget | null;
  /** null: the default of the PC that runs it. */
  shell: ShellName | null;
  /** The result files it brings back (glob patterns). */
  artifacts?: string[];
}

/** One job for any matching worker; resolves with its id. */
export async function sendJob(api: CoordinatorApi, zip: ZipSource, spec: JobSpec, onProgress: (fraction: number) => void): Promise<string> {
  const limits = {
    timeoutSeconds: spec.timeoutSeconds,
    maxAttempts: spec.maxAttempts,
    ...(spec.target ? { target: spec.target } : {}),
    ...(spec.shell ? { shell: spec.shell } : {}),
    ...(spec.artifacts?.length ? { artifacts: spec.artifacts } : {}),
  };
  const file = zip.files[0];
  if (file) {
    const { jobId } = await api.submit(file, spec.commands, onProgress, limits);
    if (!jobId) throw new ApiError(500, 'The coordinator did not say which job it made.');
    return jobId;
  }
  if (!zip.reused) throw new ApiError(400, 'Choose a zip file first.');
  const { jobId } = await api.createJob({ command: spec.commands, fileUrl: zip.reused.fileUrl, filename: zip.reused.filename, ...limits });
  return jobId;
}

/** A run (each or map): the zips as files, or the kept zip by its fileUrl; a grading run's hidden tests and starter code as `parts`. */
export function sendRun(api: CoordinatorApi, zip: ZipSource, request: RunRequest, onProgress: (fraction: number) => void, parts: RunParts = {}) {
  if (zip.files.length === 0 && zip.reused && request.mode === 'each') {
    return api.createRun({ ...request, fileUrl: zip.reused.fileUrl, filename: zip.reused.filename }, [], onProgress);
  }
  return api.createRun(request, [...zip.files], onProgress, parts);
}

const NO_DIRECT =
  'This coordinator does not run commands itself: it was started with --no-direct. Choose "Any free PC" (or other PCs) to send the job to a worker.';

/**
 * Runs the commands here on the coordinator, streaming its events; `onJobId` hears the job it is
 * recorded as (in Jobs, worker "coordinator") as soon as the coordinator answers.
 */
export async function sendDirect(
  api: CoordinatorApi,
  zip: ZipSource,
  spec: Pick<JobSpec, 'commands' | 'timeoutSeconds' | 'shell'>,
  handlers: { onProgress: (fraction: number) => void; onEvent: (event: DirectRunEvent) => void; onJobId: (jobId: string) => void },
): Promise<void> {
  // A direct run takes an upload: the kept zip is read back from the coordinator and sent again.
  const file = zip.files[0] ?? (zip.reused ? await readKept(api, zip.reused) : undefined);
  if (!file) throw new ApiError(400, 'Choose a zip file first.');
  try {
    const shell = spec.shell ?? undefined;
    await api.submit(file, spec.commands, handlers.onProgress, { mode: 'direct', timeoutSeconds: spec.timeoutSeconds, shell, ...handlers });
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) throw new ApiError(403, NO_DIRECT);
    throw e;
  }
}

async function readKept(api: CoordinatorApi, zip: { fileUrl: string; filename: string }): Promise<File> {
  if (!zip.fileUrl.startsWith('/uploads/'))
    throw new ApiError(400, `The zip is at ${zip.fileUrl}; download it and choose it here to run it on the coordinator.`);
  return api.uploadedZip(zip.fileUrl, zip.filename);
}
