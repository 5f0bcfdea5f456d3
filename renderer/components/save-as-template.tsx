/** Save as template, on a job's and a run's page: a saved command made from it, then opened for editing on the Saved commands page (for a role that may make one). */
import { useState } from 'react';
import { useApi } from '../lib/api-context.tsx';
import { navigate } from '../lib/navigate.ts';
import { useCan } from '../lib/session-context.tsx';
import { templateFrom } from '../lib/template-from.ts';
import './save-as-template.css';

export function SaveAsTemplate({ from }: { from: { jobId: string } | { runId: string } }) {
  return useCan('postTemplatesCreate') ? <SaveButton from={from} /> : null;
}

function SaveButton({ from }: { from: { jobId: string } | { runId: string } }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const { template } = await api.createTemplate(await templateFrom(api, from));
      navigate(`#/templates?edit=${encodeURIComponent(template.templateId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <>
      <button
        className="secondary"
        disabled={busy}
        onClick={() => void save()}
        title="Keeps its commands, target, shell, time limit, result files and zips as a saved command, to run again with parameters or on a schedule"
        data-testid="save-as-template"
      >
        {busy ? 'Saving…' : 'Save as template'}
      </button>
      {error && (
        <p className="error save-template-error" role="alert" data-testid="save-template-error">
          {error}
        </p>
      )}
    </>
  );
}
