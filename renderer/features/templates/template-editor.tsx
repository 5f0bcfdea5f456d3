/**
 * Edit a saved command (or make a new one): name, commands (with `{{name}}` for a parameter's value),
 * parameters, how and where it runs, time limit, shell, result files. Saved whole; the coordinator's
 * sentence is shown when it refuses.
 */
import { FormFooter } from '../../components/form-footer.tsx';
import { useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { Modal } from '../../components/modal.tsx';
import type { TemplateDto } from '../../lib/api-types.ts';
import { useApi } from '../../lib/api-context.tsx';
import { ParamDefinitions } from './param-definitions.tsx';
import { bodyOf, draftOf, EMPTY_DRAFT, emptyParam, missingParams, type TemplateDraft } from './template-draft.ts';
import { LimitFields, ModeField, ResultFiles, TargetFields } from './template-fields.tsx';

interface EditorProps {
  /** null: a new saved command. */
  template: TemplateDto | null;
  workers: readonly WorkerDto[];
  /** Saved: the sentence for the page. */
  onSaved: (message: string) => void;
  onClose: () => void;
}

export function TemplateEditor({ template, workers, onSaved, onClose }: EditorProps) {
  const api = useApi();
  const [draft, setDraft] = useState<TemplateDraft>(() => (template ? draftOf(template) : EMPTY_DRAFT));
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = bodyOf(draft, { grading: template?.grading, zips: template?.zips });
    if (typeof body === 'string') return setError(body);
    setBusy(true);
    setError(null);
    try {
      if (template) await api.updateTemplate(template.templateId, body);
      else await api.createTemplate(body);
      onSaved(`Saved "${body.name}".`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="template-editor-title" onClose={onClose} className="wide" testId="template-editor">
      <form onSubmit={(e) => void save(e)} className="template-editor">
        <h2 id="template-editor-title">{template ? `Edit ${template.name}` : 'New saved command'}</h2>
        <label htmlFor="template-name">Name</label>
        <input id="template-name" type="text" value={draft.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" />
        <CommandsField draft={draft} set={set} />
        <ParamDefinitions params={draft.params} onChange={(params) => set({ params })} />
        <ModeField draft={draft} set={set} />
        <TargetFields draft={draft} set={set} workers={workers} />
        <LimitFields draft={draft} set={set} />
        <ResultFiles draft={draft} set={set} zips={template?.zips} />
        <FormFooter error={error} errorTestId="template-editor-error" busy={busy} label="Save" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** The commands, how a parameter goes in, and the placeholders no parameter names yet (with a button that adds them). */
function CommandsField({ draft, set }: { draft: TemplateDraft; set: (patch: Partial<TemplateDraft>) => void }) {
  const missing = missingParams(draft);
  return (
    <>
      <label htmlFor="template-commands">Commands</label>
      <textarea
        id="template-commands"
        rows={4}
        value={draft.commands}
        onChange={(e) => set({ commands: e.target.value })}
        aria-describedby="template-commands-hint"
        spellCheck={false}
      />
      <p className="muted small" id="template-commands-hint">
        Write <code>{'{{name}}'}</code> where a parameter&apos;s value goes, e.g. <code>{'echo Hello {{who}}'}</code>. The value reaches the job as an
        environment variable, never as shell text.
      </p>
      {missing.length > 0 && (
        <p className="notice small" data-testid="missing-params">
          {missing.map((name) => `{{${name}}}`).join(', ')} {missing.length === 1 ? 'is' : 'are'} not a parameter yet.{' '}
          <button type="button" className="link" onClick={() => set({ params: [...draft.params, ...missing.map((name) => emptyParam(name))] })}>
            Add {missing.length === 1 ? 'it' : 'them'}
          </button>
        </p>
      )}
    </>
  );
}
