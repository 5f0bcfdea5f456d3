/** Drop or pick a zip, write the commands, upload with progress, then go to the job's page. */
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { OutputView, type OutputPiece } from '../../components/output-view.tsx';
import type { CoordinatorApi } from '../../lib/api.ts';

export function NewJob({ api }: { api: CoordinatorApi }) {
  const [file, setFile] = useState<File | null>(null);
  const [commands, setCommands] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [mode, setMode] = useState<'distributed' | 'direct'>('distributed');
  const [direct, setDirect] = useState<{ pieces: OutputPiece[]; result: string | null } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const pick = (f: File | undefined) => {
    setError(null);
    if (f && !/\.zip$/i.test(f.name)) return setError(`${f.name} is not a .zip file; zip the project folder first.`);
    setFile(f ?? null);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files[0]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError('Choose a zip file first.');
    if (!commands.trim()) return setError('Write at least one command, one per line.');
    setError(null);
    setProgress(0);
    try {
      if (mode === 'direct') {
        setDirect({ pieces: [], result: null });
        await api.submit(file, commands, setProgress, {
          mode,
          onEvent: (e) =>
            setDirect((d) => {
              const run = d ?? { pieces: [], result: null };
              switch (e.event) {
                case 'stdout':
                case 'stderr':
                  return { ...run, pieces: [...run.pieces, { stream: e.event, text: e.data.data }] };
                case 'exit':
                  return { ...run, result: `Exited with code ${e.data.exitCode}` };
                case 'error':
                  return { ...run, result: e.data.error };
              }
            }),
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
            <strong>{file.name}</strong> <span className="muted">({(file.size / 1024 / 1024).toFixed(1)} MB)</span>
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
          <OutputView pieces={direct.pieces} emptyText="Waiting for output…" />
          {direct.result && <p className="muted">{direct.result}</p>}
        </div>
      )}
    </form>
  );
}
