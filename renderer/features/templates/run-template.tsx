/** "Run <name>": its parameters as a form; on success the page of the job or run it made, else the coordinator's sentence. */
import { FormFooter } from '../../components/form-footer.tsx';
import { useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { Modal } from '../../components/modal.tsx';
import type { TemplateDto } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';
import { navigate } from '../../lib/navigate.ts';
import { ParamFields, initialValues, valuesOf } from './param-fields.tsx';
import { MODE_WORDS, targetWords } from './template-words.ts';

export function RunTemplate({ template, workers, onClose }: { template: TemplateDto; workers: readonly WorkerDto[]; onClose: () => void }) {
  const api = useApi();
  const [values, setValues] = useState(() => initialValues(template.params));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await api.runTemplate(template.templateId, valuesOf(template.params, values));
      navigate(made.runId ? `#/runs/${encodeURIComponent(made.runId)}` : `#/jobs/${encodeURIComponent(made.jobId ?? '')}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="run-template-title" onClose={onClose} testId="run-template">
      <form onSubmit={(e) => void run(e)}>
        <h2 id="run-template-title">Run {template.name}</h2>
        <p className="muted small">
          {MODE_WORDS[template.mode]} on {targetWords(template, workers)}.
        </p>
        <pre className="commands small">{template.commands}</pre>
        <ParamFields params={template.params} values={values} onChange={setValues} idPrefix="run-param" />
        <FormFooter error={error} errorTestId="run-template-error" busy={busy} label="Run" busyLabel="Starting…" onCancel={onClose} />
      </form>
    </Modal>
  );
}
