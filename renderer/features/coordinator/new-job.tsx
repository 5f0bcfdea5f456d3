/** Drop or pick a zip, write the commands, upload with progress, then go to the job's page. */
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import type { CoordinatorApi } from '../../lib/api.ts';
import { fileSize } from '../../lib/format.ts';

/** Why a zip cannot be sent, before sending it: the coordinator would refuse it after the whole upload. */
export function tooLarge(file: File, maxUploadBytes: number | null): string | null {
  if (maxUploadBytes === null || file.size <= maxUploadBytes) return null;
  return (
    `${file.name} is ${fileSize(file.size)}; this coordinator accepts zips up to ${fileSize(maxUploadBytes)} (--max-upload-mb). ` +
    'Remove build outputs or node_modules from the zip, or restart the coordinator with a larger --max-upload-mb.'
  );
}

/** A direct run's output as it streams in, and how it ended. */
interface DirectRun {
  log: MemoryLogSource;
  result: string | null;
}

export function NewJob({ api, maxUploadBytes }: { api: CoordinatorApi; maxUploadBytes: number | null }) {
  const [file, setFile] = useState<File | null>(null);
  const [commands, setCommands] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [mode, setMode] = useState<'distributed' | 'direct'>('distributed');
  const [direct, setDirect] = useState<DirectRun | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const pick = (f: File | undefined) => {
    setError(null);
    if (f && !/\.zip$/i.test(f.name)) return setError(`${f.name} is not a .zip file; zip the project folder first.`);
    setFile(f ?? null);
    if (f) setError(tooLarge(f, maxUploadBytes));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files[0]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError('Choose a zip file first.');
    const refused = tooLarge(file, maxUploadBytes);
    if (refused) return setError(refused);
    if (!commands.trim()) return setError('Write at least one command, one per line.');
    setError(null);
    setProgress(0);
    try {
      if (mode === 'direct') {
        const log = new MemoryLogSource('direct-run.log');
        let seq = 0;
        setDirect({ log, result: null });
        await api.submit(file, commands, setProgress, {
          mode,
          onEvent: (e) => {
            switch (e.event) {
              case 'stdout':
              case 'stderr':
                return log.push([{ seq: seq++, stream: e.event, time: Date.now(), data: e.data.data }]);
              case 'exit':
                return setDirect({ log, result: `Exited with code ${e.data.exitCode}` });
              case 'error':
                return setDirect({ log, result: e.data.error });
            }
          },
        });
        return;
      }
      const { jobId } = await api.submit(file, commands, setProgress);
      location.hash = `#/jobs/${jobId}`;
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <form className="card new-job" onSubmit={(e) => void submit(e)} aria-labelledby="new-job-title">
      <h2 id="new-job-title">New job</h2>
      <div
        className={`drop ${dragging ? 'over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
        role="button"
        tabIndex={0}
        aria-label="Choose a zip file"
      >
        {file ? (
          <span>
            <strong>{file.name}</strong> <span className="muted">({fileSize(file.size)})</span>
          </span>
        ) : (
          <span>
            Drop a project <strong>.zip</strong> here, or click to choose
          </span>
        )}
        <input ref={input} type="file" accept=".zip,application/zip" hidden data-testid="zip-input" onChange={(e) => pick(e.target.files?.[0])} />
      </div>
      <label htmlFor="commands">
        Commands <span className="muted">(one per line, run in order; stops at the first failure)</span>
      </label>
      <textarea
        id="commands"
        rows={5}
        value={commands}
        onChange={(e) => setCommands(e.target.value)}
        placeholder={'npm install\nnpm test'}
        spellCheck={false}
      />
      <fieldset className="modes">
        <legend>Where to run</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'distributed'} onChange={() => setMode('distributed')} /> On a worker{' '}
          <span className="muted">(distributed)</span>
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'direct'} onChange={() => setMode('direct')} /> Here on the coordinator{' '}
          <span className="muted">(direct, output streams below)</span>
        </label>
      </fieldset>
      {progress !== null && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="primary" type="submit" disabled={progress !== null}>
        {progress !== null ? `Uploading ${Math.round(progress * 100)}%` : mode === 'direct' ? 'Run here' : 'Run on a worker'}
      </button>
      {direct && (
        <div className="direct">
          <LogView source={direct.log} emptyText="Waiting for output…" label="Direct run output" />
          {direct.result && <p className="muted">{direct.result}</p>}
        </div>
      )}
    </form>
  );
}
