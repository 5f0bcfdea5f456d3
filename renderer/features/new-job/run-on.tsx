/** "Run on": any free PC, every PC, PCs with tags, named PCs, or the coordinator itself; with the tag and PC pickers. */
import type { ReactNode } from 'react';
import type { JobTarget, WorkerDto } from '../../../shared/api.ts';
import { WorkerBadge } from '../../components/status-badge.tsx';
import { workerStatus } from '../../lib/worker-state.ts';
import { describeTarget, displayName, tagCounts } from '../../lib/targets.ts';

export type RunOn = 'any' | 'every' | 'tags' | 'workers' | 'direct';

export interface RunOnChoice {
  runOn: RunOn;
  tags: string[];
  workers: string[];
  /** For "any": the target of the job this form was filled in from (Run again), kept until removed. */
  kept?: JobTarget | null;
}

const toggle = (list: string[], item: string) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

/** `map`: several zips, one job each; a broadcast and a direct run take one zip at most. */
export function RunOnPicker({
  value,
  onChange,
  workers,
  map,
  matching,
}: {
  value: RunOnChoice;
  onChange: (next: RunOnChoice) => void;
  workers: readonly WorkerDto[];
  map: boolean;
  /** The workers the choice selects, for "matches 12 PCs (3 offline)". */
  matching: readonly WorkerDto[];
}) {
  const tags = tagCounts(workers);
  const set = (runOn: RunOn) => onChange({ ...value, runOn });
  const radio = (runOn: RunOn, label: string, note: string, disabled = false) => (
    <label className={disabled ? 'muted' : ''}>
      <input type="radio" name="run-on" checked={value.runOn === runOn} disabled={disabled} onChange={() => set(runOn)} /> {label}{' '}
      <span className="muted">({note})</span>
    </label>
  );
  const matches = <MatchCount matching={matching} map={map} />;

  return (
    <fieldset className="modes run-on">
      <legend>Run on</legend>
      {radio('any', 'Any free PC', map ? 'one job per zip' : 'one job, distributed')}
      {value.runOn === 'any' && value.kept && !map && (
        <p className="picker small kept-target" data-testid="kept-target">
          Only on {describeTarget(value.kept, workers)}, as the job it comes from.{' '}
          <button type="button" className="link small" onClick={() => onChange({ ...value, kept: null })}>
            Any free PC instead
          </button>
        </p>
      )}
      {radio('every', 'Every PC', map ? 'one zip at most' : `one job on each: ${workers.length} ${workers.length === 1 ? 'PC' : 'PCs'}`, map)}
      {radio(
        'tags',
        'PCs with tag…',
        tags.length ? (map ? 'the zips go to PCs with all the tags' : 'one job on each') : 'no worker has tags yet',
        tags.length === 0,
      )}
      {value.runOn === 'tags' && (
        <TagPicks tags={tags} picked={value.tags} onChange={(picked) => onChange({ ...value, tags: picked })}>
          {value.tags.length > 0 && matches}
        </TagPicks>
      )}
      {radio('workers', 'These PCs…', map ? 'the zips go to the PCs picked' : 'one job on each PC picked')}
      {value.runOn === 'workers' && (
        <WorkerPicks workers={workers} picked={value.workers} onChange={(picked) => onChange({ ...value, workers: picked })}>
          {value.workers.length > 0 && matches}
        </WorkerPicks>
      )}
      {radio('direct', 'Here on the coordinator', map ? 'one zip at most' : 'direct, asks first; output streams below', map)}
    </fieldset>
  );
}

/** "Matches 12 PCs (3 offline)": how many workers the choice selects. */
function MatchCount({ matching, map }: { matching: readonly WorkerDto[]; map: boolean }) {
  const offline = matching.filter((w) => w.status === 'offline').length;
  return (
    <p className="muted small" data-testid="run-on-matches">
      {matching.length === 0
        ? 'No worker matches yet.'
        : `Matches ${matching.length} ${matching.length === 1 ? 'PC' : 'PCs'}${offline ? ` (${offline} offline)` : ''}${map ? '; each zip runs on one of them' : ''}.`}
    </p>
  );
}

/** The tags the workers carry (most common first, with how many carry each), to pick any number of; `children` follow the chips. */
function TagPicks({
  tags,
  picked,
  onChange,
  children,
}: {
  tags: { tag: string; count: number }[];
  picked: string[];
  onChange: (picked: string[]) => void;
  children: ReactNode;
}) {
  return (
    <div className="picker" role="group" aria-label="Tags the PCs must all have">
      <div className="tag-picks">
        {tags.map(({ tag, count }) => (
          <button
            type="button"
            key={tag}
            className={`chip tag-chip ${picked.includes(tag) ? 'active' : ''}`}
            aria-pressed={picked.includes(tag)}
            onClick={() => onChange(toggle(picked, tag))}
          >
            {tag} <span className="chip-count">{count}</span>
          </button>
        ))}
      </div>
      {children}
    </div>
  );
}

/** Every worker with a checkbox, All online and None; `children` follow the list. */
function WorkerPicks({
  workers,
  picked,
  onChange,
  children,
}: {
  workers: readonly WorkerDto[];
  picked: string[];
  onChange: (picked: string[]) => void;
  children: ReactNode;
}) {
  return (
    <div className="picker" role="group" aria-label="PCs to run on">
      <div className="actions">
        <button type="button" className="link small" onClick={() => onChange(workers.filter((w) => w.status !== 'offline').map((w) => w.workerId))}>
          All online
        </button>
        <button type="button" className="link small" onClick={() => onChange([])}>
          None
        </button>
      </div>
      <ul className="worker-picks">
        {/* The API's order: by name. */}
        {workers.map((w) => (
          <li key={w.workerId}>
            <label title={w.workerId}>
              <input type="checkbox" checked={picked.includes(w.workerId)} onChange={() => onChange(toggle(picked, w.workerId))} /> {displayName(w)}{' '}
              <WorkerBadge worker={w} />
              {workerStatus(w) === 'offline' && <span className="visually-hidden"> (its job waits until it is back)</span>}
            </label>
          </li>
        ))}
      </ul>
      {children}
    </div>
  );
}
