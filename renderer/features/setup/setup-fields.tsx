/** The setup form's fields for each mode: a coordinator's port, data folder and own worker; a worker's coordinator (found or pasted), join token and tags. */
import type { FoundCoordinator } from '../../../shared/ipc.ts';
import { formatJoinLine } from '../../../shared/join-line.ts';
import type { CoordinatorForm, WorkerForm } from './setup-choice.ts';

export function CoordinatorFields({ value, set }: { value: CoordinatorForm; set: (patch: Partial<CoordinatorForm>) => void }) {
  return (
    <>
      <label htmlFor="port">Port</label>
      <input id="port" type="text" inputMode="numeric" value={value.port} onChange={(e) => set({ port: e.target.value })} />
      <label htmlFor="data-dir">Data folder</label>
      <input id="data-dir" type="text" value={value.dataDir} onChange={(e) => set({ dataDir: e.target.value })} />
      <label>
        <input type="checkbox" checked={value.alsoWorker} onChange={(e) => set({ alsoWorker: e.target.checked })} /> Also run a worker on this PC
      </label>
    </>
  );
}

/** Coordinators announced on this network (null: not looked for yet), and looking for them. */
export interface Discovery {
  found: FoundCoordinator[] | null;
  searching: boolean;
  find: () => void;
}

export function WorkerFields({ value, set, discovery }: { value: WorkerForm; set: (patch: Partial<WorkerForm>) => void; discovery: Discovery }) {
  return (
    <>
      <FoundCoordinators discovery={discovery} onPick={(server) => set({ server })} />
      <label htmlFor="server">Join line</label>
      <input id="server" type="text" value={value.server} onChange={(e) => set({ server: e.target.value })} placeholder="cmdx://192.168.1.10:3000/?fp=…" />
      <p className="muted small">
        A coordinator picked above, or a join line without a token: this PC asks to join and shows a code; the admin approves it on the dashboard.
      </p>
      <label htmlFor="join">Join token (only for a plain-HTTP coordinator address)</label>
      <input id="join" type="password" value={value.joinToken} onChange={(e) => set({ joinToken: e.target.value })} placeholder="cmdx_j_…" />
      <label htmlFor="tags">
        Tags <span className="muted">(optional, separated by commas)</span>
      </label>
      <input
        id="tags"
        type="text"
        value={value.tags}
        onChange={(e) => set({ tags: e.target.value })}
        placeholder="room-b, gpu"
        spellCheck={false}
        aria-describedby="tags-hint"
      />
      <p id="tags-hint" className="muted small">
        Runs on the dashboard can target PCs by tag (&quot;PCs with tag…&quot;). Left empty, this PC keeps the tags the admin gives it on the dashboard.
      </p>
    </>
  );
}

/** "Find coordinators on this network", and each one found as a button that fills in its join line. */
function FoundCoordinators({ discovery, onPick }: { discovery: Discovery; onPick: (joinLine: string) => void }) {
  const { found, searching } = discovery;
  return (
    <>
      <button type="button" className="secondary" disabled={searching} onClick={discovery.find}>
        {searching ? 'Looking for coordinators…' : 'Find coordinators on this network'}
      </button>
      {found && found.length === 0 && <p className="muted">None answered within 3 s. Paste the join line from the coordinator instead.</p>}
      {found && found.length > 0 && (
        <ul className="found" aria-label="Coordinators found">
          {found.map((c) => (
            <li key={`${c.name}-${c.port}`}>
              <button type="button" className="secondary" onClick={() => onPick(formatJoinLine(c.addresses[0]!, c.port, c.fingerprint, null))}>
                {c.name} ({c.addresses[0]}:{c.port})
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
