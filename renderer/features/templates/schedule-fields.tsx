/** The schedule form's fields: when (cron, read while typing) and in which time zone, waking its PCs before, running late, overlap, power after. */
import { when } from '../../lib/format.ts';
import type { PowerAfter, ScheduleDraft } from './schedule-draft.ts';
import { useCronPreview } from './use-cron-preview.ts';

type SetDraft = (patch: Partial<ScheduleDraft>) => void;

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** The expression, the time zone, and what the coordinator reads in them: the words and the next five times, or its sentence. */
export function WhenFields({ draft, set, now }: { draft: ScheduleDraft; set: SetDraft; now: number }) {
  const preview = useCronPreview(draft.cron, draft.timezone);
  return (
    <>
      <label htmlFor="schedule-cron">When (cron)</label>
      <input
        id="schedule-cron"
        type="text"
        className="mono"
        value={draft.cron}
        onChange={(e) => set({ cron: e.target.value })}
        placeholder="0 22 * * 1-5"
        autoComplete="off"
        spellCheck={false}
        aria-describedby="schedule-cron-hint schedule-preview"
      />
      <p className="muted small" id="schedule-cron-hint">
        Minute, hour, day of the month, month, day of the week: <code>0 22 * * 1-5</code> is every weekday at 22:00, <code>30 7 * * 1</code> every Monday at
        07:30.
      </p>
      <div className="cron-preview" id="schedule-preview" role="status" data-testid="cron-preview">
        {preview.state === 'ok' && (
          <>
            <p>
              <strong data-testid="cron-words">{preview.preview.words}</strong> <span className="muted">({preview.preview.timezone})</span>
            </p>
            <ol className="next-times" aria-label="The next five times" data-testid="cron-next">
              {preview.preview.next.map((at) => (
                <li key={at}>{when(at, now)}</li>
              ))}
            </ol>
            {preview.preview.timezone !== BROWSER_ZONE && <p className="muted small">Times shown in your time zone, {BROWSER_ZONE}.</p>}
          </>
        )}
        {preview.state === 'bad' && (
          <p className="error" data-testid="cron-error">
            {preview.message}
          </p>
        )}
      </div>
      <label htmlFor="schedule-timezone">Time zone</label>
      <input
        id="schedule-timezone"
        type="text"
        list="schedule-zones"
        value={draft.timezone}
        onChange={(e) => set({ timezone: e.target.value })}
        placeholder="The coordinator's"
        autoComplete="off"
      />
      <datalist id="schedule-zones">
        {ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}

const POWER_WORDS: Record<PowerAfter, string> = { none: 'Leave them on', shutdown: 'Shut them down', reboot: 'Restart them' };

/** Wake before, run late, overlap, and what becomes of its PCs once its run ended. */
export function NightFields({ draft, set }: { draft: ScheduleDraft; set: SetDraft }) {
  return (
    <fieldset className="night-fields">
      <legend>Unattended</legend>
      <div className="inline-fields">
        <label htmlFor="schedule-wake">
          Wake its PCs
          <input
            id="schedule-wake"
            type="number"
            min={0}
            max={120}
            value={draft.wakeMinutes}
            onChange={(e) => set({ wakeMinutes: e.target.value })}
            placeholder="no"
          />
          min before
        </label>
        <label htmlFor="schedule-grace">
          Run late by up to
          <input id="schedule-grace" type="number" min={0} value={draft.graceMinutes} onChange={(e) => set({ graceMinutes: e.target.value })} />
          min
        </label>
      </div>
      <p className="muted small">
        Empty: its PCs are not woken. A time the coordinator was down for runs when it is back, if no later than this; else it is recorded as missed.
      </p>
      <label htmlFor="schedule-overlap">While its previous run goes on</label>
      <select id="schedule-overlap" value={draft.overlap} onChange={(e) => set({ overlap: e.target.value as ScheduleDraft['overlap'] })}>
        <option value="skip">Skip this time</option>
        <option value="allow">Run anyway</option>
      </select>
      <label htmlFor="schedule-power">After the run, its PCs</label>
      <select id="schedule-power" value={draft.power} onChange={(e) => set({ power: e.target.value as PowerAfter })}>
        {(Object.keys(POWER_WORDS) as PowerAfter[]).map((power) => (
          <option key={power} value={power}>
            {POWER_WORDS[power]}
          </option>
        ))}
      </select>
      <label className="check" htmlFor="schedule-only-woken">
        <input
          id="schedule-only-woken"
          type="checkbox"
          checked={draft.onlyIfWoken}
          disabled={draft.power === 'none'}
          onChange={(e) => set({ onlyIfWoken: e.target.checked })}
        />{' '}
        Only the PCs this schedule woke
      </label>
    </fieldset>
  );
}
