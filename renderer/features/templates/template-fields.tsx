/** The edit form's other fields: how it runs (mode), where (workers, tags, OS), its time limit and shell, result files, and the zips it keeps. */
import { TARGET_OS, type WorkerDto } from '../../../shared/api.ts';
import { SHELLS, type ShellName } from '../../../shared/shells.ts';
import type { TemplateDto } from '../../lib/api-types.ts';
import { tagCounts } from '../../lib/targets.ts';
import type { TargetOs, TemplateDraft } from './template-draft.ts';
import { MODE_WORDS } from './template-words.ts';

type SetDraft = (patch: Partial<TemplateDraft>) => void;

const MODE_HINTS: Record<TemplateDto['mode'], string> = {
  single: 'on the first PC free among those it may run on',
  each: 'on every PC it may run on, as a run',
  map: 'one job per zip it keeps, as a run',
};
const OS_WORDS: Record<TargetOs, string> = { win32: 'Windows', linux: 'Linux', darwin: 'macOS' };
const SHELL_WORDS: Record<ShellName, string> = { cmd: 'cmd', powershell: 'PowerShell', pwsh: 'pwsh', sh: 'sh' };

export function ModeField({ draft, set }: { draft: TemplateDraft; set: SetDraft }) {
  return (
    <fieldset className="modes">
      <legend>How it runs</legend>
      {(Object.keys(MODE_WORDS) as TemplateDto['mode'][]).map((mode) => (
        <label key={mode}>
          <input type="radio" name="template-mode" value={mode} checked={draft.mode === mode} onChange={() => set({ mode })} /> {MODE_WORDS[mode]}{' '}
          <span className="muted small">{MODE_HINTS[mode]}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function TargetFields({ draft, set, workers }: { draft: TemplateDraft; set: SetDraft; workers: readonly WorkerDto[] }) {
  return (
    <fieldset className="template-target">
      <legend>Runs on</legend>
      <p className="muted small" id="template-target-hint">
        Leave all three empty for any PC. Names and tags are separated by commas; a PC needs every tag.
      </p>
      <div className="inline-fields">
        <label htmlFor="template-workers">
          Workers
          <input
            id="template-workers"
            type="text"
            list="template-worker-ids"
            value={draft.workers}
            onChange={(e) => set({ workers: e.target.value })}
            autoComplete="off"
            aria-describedby="template-target-hint"
          />
        </label>
        <label htmlFor="template-tags">
          Tags
          <input
            id="template-tags"
            type="text"
            list="template-tag-names"
            value={draft.tags}
            onChange={(e) => set({ tags: e.target.value })}
            autoComplete="off"
            aria-describedby="template-target-hint"
          />
        </label>
        <label htmlFor="template-os">
          OS
          <select id="template-os" value={draft.os} onChange={(e) => set({ os: e.target.value as TargetOs | '' })}>
            <option value="">Any</option>
            {TARGET_OS.map((os) => (
              <option key={os} value={os}>
                {OS_WORDS[os]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <datalist id="template-worker-ids">
        {workers.map((w) => (
          <option key={w.workerId} value={w.workerId} />
        ))}
      </datalist>
      <datalist id="template-tag-names">
        {tagCounts(workers).map(({ tag }) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
    </fieldset>
  );
}

export function LimitFields({ draft, set }: { draft: TemplateDraft; set: SetDraft }) {
  return (
    <div className="inline-fields template-limits">
      <label htmlFor="template-timeout">
        Time limit
        <input
          id="template-timeout"
          type="number"
          min={0}
          step="any"
          value={draft.timeoutMinutes}
          onChange={(e) => set({ timeoutMinutes: e.target.value })}
          placeholder="60"
        />
        min
      </label>
      <label htmlFor="template-shell">
        Shell
        <select id="template-shell" value={draft.shell ?? ''} onChange={(e) => set({ shell: e.target.value === '' ? null : (e.target.value as ShellName) })}>
          <option value="">Default for the PC</option>
          {SHELLS.map((shell) => (
            <option key={shell} value={shell}>
              {SHELL_WORDS[shell]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function ResultFiles({ draft, set, zips }: { draft: TemplateDraft; set: SetDraft; zips: TemplateDto['zips'] }) {
  const kept = (zips ?? []).filter((z) => z.filename !== '(no zip)');
  return (
    <>
      <label htmlFor="template-artifacts">Result files</label>
      <textarea
        id="template-artifacts"
        rows={2}
        value={draft.artifacts}
        onChange={(e) => set({ artifacts: e.target.value })}
        placeholder="junit.xml"
        aria-describedby="template-artifacts-hint"
      />
      <p className="muted small" id="template-artifacts-hint">
        One pattern per line, relative to the folder the commands run in (coverage/**); each job brings the matching files back.
      </p>
      <p className="small" data-testid="template-zips">
        {kept.length === 0
          ? 'It runs in an empty folder (no zip).'
          : `It keeps ${
              kept.length === 1
                ? kept[0]!.filename
                : `${kept.length} zips: ${kept
                    .slice(0, 3)
                    .map((z) => z.filename)
                    .join(', ')}${kept.length > 3 ? ', …' : ''}`
            }.`}
      </p>
    </>
  );
}
