/** The new-job form's Shell choice: the PC's default (cmd on Windows, sh elsewhere) or one of SHELLS for every line. */
import { SHELLS, type ShellName } from '../../../shared/shells.ts';

const SHELL_WORDS: Record<ShellName, string> = { cmd: 'cmd', powershell: 'PowerShell', pwsh: 'pwsh', sh: 'sh' };

/** `null`: the default of the PC that runs the job, chosen there (only it knows its OS). */
export function ShellField({ value, onChange }: { value: ShellName | null; onChange: (shell: ShellName | null) => void }) {
  return (
    <div className="inline-fields job-shell">
      <label>
        Shell
        <select
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value === '' ? null : (e.target.value as ShellName))}
          aria-describedby="shell-hint"
          data-testid="shell-select"
        >
          <option value="">Default for the PC</option>
          {SHELLS.map((shell) => (
            <option key={shell} value={shell}>
              {SHELL_WORDS[shell]}
            </option>
          ))}
        </select>
      </label>
      <p id="shell-hint" className="muted small">
        Each command line runs in this shell. The default is cmd on Windows and sh elsewhere; a PC without the chosen shell fails the job.
      </p>
    </div>
  );
}
