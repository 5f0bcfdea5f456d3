/** Submitting zips and waiting for jobs, against a coordinator URL and admin token. */
import { waitFor } from './processes.ts';
import { buildZip, uploadForm, type ZipItem } from './zip.ts';

export interface Target {
  url: string;
  adminToken: string | null;
}

function auth(t: Target): Record<string, string> {
  return t.adminToken ? { authorization: `Bearer ${t.adminToken}` } : {};
}

export async function submitZip(
  t: Target,
  items: ZipItem[] | Buffer,
  commands: string,
  fields: Record<string, string> = {},
  filename = 'project.zip',
): Promise<string> {
  const zip = Buffer.isBuffer(items) ? items : await buildZip(items);
  const res = await fetch(`${t.url}/api/execute`, {
    method: 'POST',
    headers: auth(t),
    body: uploadForm(zip, { commands, mode: 'distributed', ...fields }, filename),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as any;
  if (res.status !== 200) throw new Error(`execute failed: ${res.status} ${JSON.stringify(body)}`);
  return body.jobId;
}

export async function jobStatus(t: Target, jobId: string): Promise<any> {
  const res = await fetch(`${t.url}/api/jobs/status?jobId=${jobId}`, { headers: auth(t), signal: AbortSignal.timeout(10_000) });
  return res.json();
}

export async function cancelJob(t: Target, jobId: string): Promise<any> {
  const res = await fetch(`${t.url}/api/jobs/cancel`, {
    method: 'POST',
    headers: { ...auth(t), 'content-type': 'application/json' },
    body: JSON.stringify({ jobId }),
  });
  return res.json();
}

export async function listWorkers(t: Target): Promise<any[]> {
  const res = await fetch(`${t.url}/api/workers/register`, { headers: auth(t), signal: AbortSignal.timeout(10_000) });
  return ((await res.json()) as any).workers;
}

/** Polls the job until `test` holds (default: it reached a terminal status). */
export function waitForJob(
  t: Target,
  jobId: string,
  test: (job: any) => boolean = (j) => ['completed', 'failed', 'cancelled'].includes(j.status),
  timeoutMs = 30_000,
): Promise<any> {
  return waitFor(
    `job ${jobId}`,
    async () => {
      try {
        const job = await jobStatus(t, jobId);
        return test(job) ? job : undefined;
      } catch {
        return undefined; // the coordinator may be restarting
      }
    },
    timeoutMs,
    100,
  );
}

export type { ZipItem };
