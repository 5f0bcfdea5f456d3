/** A policy's fields: when jobs may run (always, when the PC is idle, in weekly hours), what happens when the student returns, priority and notices. */
import { describePolicy, ON_USER_RETURN, parseWindows, POLICY_WHEN, PRIORITIES, type WorkerPolicy } from '../../../shared/policy.ts';

const WHEN_WORDS: Record<WorkerPolicy['when'], string> = {
  always: 'Always',
  idle: 'When nobody uses the PC',
  schedule: 'In weekly hours',
};
const RETURN_WORDS: Record<WorkerPolicy['onUserReturn'], string> = {
  suspend: 'Freeze the job until the PC is free again',
  finish: 'Let the job finish, start no other',
  cancel: 'Cancel the job',
};

/** The schedule's problem in a sentence, or null when it reads (or is not needed). */
export function scheduleError(policy: Pick<WorkerPolicy, 'when' | 'windows'>): string | null {
  if (policy.when !== 'schedule') return null;
  try {
    parseWindows(policy.windows ?? '');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The body POST /api/workers/policy takes for a draft: only what its `when` uses. */
export function policyBody(p: WorkerPolicy): Partial<WorkerPolicy> & Pick<WorkerPolicy, 'when'> {
  return {
    when: p.when,
    ...(p.when === 'idle' ? { idleMinutes: p.idleMinutes } : {}),
    ...(p.when === 'schedule' ? { windows: p.windows?.trim() ?? '' } : {}),
    onUserReturn: p.onUserReturn,
    priority: p.priority,
    notices: p.notices,
  };
}

/** `set` takes the fields changed; the schedule is read as it is typed. */
export function PolicyFields({ draft, set }: { draft: WorkerPolicy; set: (patch: Partial<WorkerPolicy>) => void }) {
  const badSchedule = scheduleError(draft);
  return (
    <>
      <label htmlFor="policy-when">Run jobs</label>
      <select id="policy-when" value={draft.when} onChange={(e) => set({ when: e.target.value as WorkerPolicy['when'] })}>
        {POLICY_WHEN.map((w) => (
          <option key={w} value={w}>
            {WHEN_WORDS[w]}
          </option>
        ))}
      </select>
      {draft.when === 'idle' && (
        <>
          <label htmlFor="policy-idle">Minutes without keyboard or mouse</label>
          <input
            id="policy-idle"
            type="number"
            min={1}
            max={24 * 60}
            value={draft.idleMinutes}
            onChange={(e) => set({ idleMinutes: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        </>
      )}
      {draft.when === 'schedule' && (
        <>
          <label htmlFor="policy-windows">Hours (the PC&apos;s local time)</label>
          <input
            id="policy-windows"
            type="text"
            value={draft.windows ?? ''}
            placeholder="Mon-Fri 18:00-07:30; Sat-Sun all day"
            autoComplete="off"
            aria-invalid={badSchedule !== null}
            aria-describedby="policy-windows-note"
            onChange={(e) => set({ windows: e.target.value })}
          />
          <p id="policy-windows-note" className={`small ${badSchedule ? 'error' : 'muted'}`} data-testid="policy-windows-note">
            {badSchedule ?? `Reads as: ${describePolicy(draft)}.`}
          </p>
        </>
      )}
      <StudentFields draft={draft} set={set} />
    </>
  );
}

/** How jobs make way for the student: what happens when they return (not for "always"), priority, and a notice when a job starts. */
function StudentFields({ draft, set }: { draft: WorkerPolicy; set: (patch: Partial<WorkerPolicy>) => void }) {
  return (
    <>
      {draft.when !== 'always' && (
        <>
          <label htmlFor="policy-return">When the student returns</label>
          <select id="policy-return" value={draft.onUserReturn} onChange={(e) => set({ onUserReturn: e.target.value as WorkerPolicy['onUserReturn'] })}>
            {ON_USER_RETURN.map((r) => (
              <option key={r} value={r}>
                {RETURN_WORDS[r]}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="policy-priority">Priority</label>
      <select id="policy-priority" value={draft.priority} onChange={(e) => set({ priority: e.target.value as WorkerPolicy['priority'] })}>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p === 'low' ? 'Low (the student comes first)' : 'Normal'}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={draft.notices} onChange={(e) => set({ notices: e.target.checked })} /> Tell the student at the PC when a job starts
      </label>
    </>
  );
}
