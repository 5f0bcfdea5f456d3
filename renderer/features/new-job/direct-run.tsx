/** A run here on the coordinator: its output as it streams in below the form, how it ended, and the job it is recorded as. */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import { useApi } from '../../lib/api-context.tsx';
import { sendDirect, type JobSpec, type ZipSource } from './send-job.ts';
import type { Upload } from './use-upload.ts';

export interface DirectRun {
  log: MemoryLogSource;
  result: string | null;
  jobId: string | null;
}

/** `start` sends the zip and commands through `upload` (its progress bar and error); `box` is where the output shows. */
export function useDirectRun(upload: Upload) {
  const api = useApi();
  const [direct, setDirect] = useState<DirectRun | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const directLog = direct?.log;
  // Brought into view once as a direct run starts: its output streams below a long form (and xterm draws only what is on screen).
  useEffect(() => {
    if (directLog) box.current?.scrollIntoView({ block: 'nearest' });
  }, [directLog]);

  const start = (zip: ZipSource, spec: Pick<JobSpec, 'commands' | 'timeoutSeconds' | 'shell'>) =>
    upload.sending(async () => {
      const log = new MemoryLogSource('direct-run.log');
      let seq = 0;
      let shown: DirectRun = { log, result: null, jobId: null };
      const show = (patch: Partial<DirectRun>) => setDirect((shown = { ...shown, ...patch }));
      show({});
      await sendDirect(api, zip, spec, {
        onProgress: upload.setProgress,
        onJobId: (jobId) => show({ jobId }),
        onEvent: (e) => {
          switch (e.event) {
            case 'stdout':
            case 'stderr':
              return log.push([{ seq: seq++, stream: e.event, time: Date.now(), data: e.data.data }]);
            case 'exit':
              return show({ result: `Exited with code ${e.data.exitCode}` });
            case 'error':
              return show({ result: e.data.error });
          }
        },
      }).catch((err: unknown) => {
        setDirect(null);
        throw err;
      });
    });
  return { direct, box, start };
}

export function DirectRunOutput({ run, box }: { run: DirectRun; box: RefObject<HTMLDivElement | null> }) {
  return (
    <div className="direct" data-testid="direct-run" ref={box}>
      <LogView source={run.log} emptyText="Waiting for output…" label="Direct run output" />
      {run.result && (
        <p className="muted" data-testid="direct-result">
          {run.result}
        </p>
      )}
      {run.jobId && (
        <p className="small">
          Recorded in Jobs as a job of the coordinator:{' '}
          <a href={`#/jobs/${run.jobId}`} data-testid="direct-job-link">
            open its page
          </a>
        </p>
      )}
    </div>
  );
}
