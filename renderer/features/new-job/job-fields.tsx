/** The new-job form's commands, result files, time limit, attempts and shell. */
import { JobLimits } from './job-limits.tsx';
import type { NewJobDraft } from './new-job-form.ts';
import { ShellField } from './shell-field.tsx';

/** `direct`: a run on the coordinator brings back no result files and has one attempt. */
export function JobFields({ draft, update, direct }: { draft: NewJobDraft; update: (patch: Partial<NewJobDraft>) => void; direct: boolean }) {
  return (
    <>
      <CommandsField value={draft.commands} onChange={(commands) => update({ commands })} />
      {!direct && <ResultFilesField value={draft.artifacts} onChange={(artifacts) => update({ artifacts })} />}
      <JobLimits value={draft.limits} onChange={(limits) => update({ limits })} attempts={!direct} />
      <ShellField value={draft.shell} onChange={(shell) => update({ shell })} />
    </>
  );
}

function CommandsField({ value, onChange }: { value: string; onChange: (commands: string) => void }) {
  return (
    <>
      <label htmlFor="commands">
        Commands <span className="muted">(one per line, run in order; stops at the first failure)</span>
      </label>
      <textarea id="commands" rows={5} value={value} onChange={(e) => onChange(e.target.value)} placeholder={'npm install\nnpm test'} spellCheck={false} />
    </>
  );
}

/** The result files each job brings back, as glob patterns: kept by Run again. */
function ResultFilesField({ value, onChange }: { value: string; onChange: (artifacts: string) => void }) {
  return (
    <>
      <label htmlFor="result-files">
        Result files <span className="muted">(optional)</span>
      </label>
      <input
        id="result-files"
        type="text"
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="e.g. junit.xml, build/*.log"
        spellCheck={false}
        aria-describedby="result-files-hint"
      />
      <p id="result-files-hint" className="muted small">
        Files each job brings back when it ends (glob patterns, separated by commas), to download from its page; a JUnit XML or TAP report among them counts its
        tests.
      </p>
    </>
  );
}
