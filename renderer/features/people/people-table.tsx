/** The people: name, role, rooms, how they sign in, disabled, last activity, live tokens; Manage. One tab stop; Enter manages. */
import { EmptyState } from '../../components/empty-state.tsx';
import type { UserDto } from '../../lib/api-types.ts';
import { scopeWords } from '../../lib/person-words.ts';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import { lastActive, SIGN_IN_WORDS } from './people-words.ts';

export function PeopleTable({ users, now, onManage }: { users: UserDto[]; now: number; onManage: (user: UserDto) => void }) {
  const rows = useRovingRows((row) => {
    const user = users.find((u) => u.userId === row.dataset.user);
    if (user) onManage(user);
  });
  if (users.length === 0)
    return <EmptyState title="Nobody yet">Add the teachers and assistants who use this dashboard; each signs in with their own name.</EmptyState>;
  return (
    <table className="table cards people-table" data-testid="people">
      <thead>
        <tr>
          <th>Name</th>
          <th>Role</th>
          <th>Rooms</th>
          <th>Signs in with</th>
          <th>Last active</th>
          <th>Live tokens</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody ref={rows}>
        {users.map((u) => (
          <PersonRow key={u.userId} user={u} now={now} onManage={() => onManage(u)} />
        ))}
      </tbody>
    </table>
  );
}

function PersonRow({ user: u, now, onManage }: { user: UserDto; now: number; onManage: () => void }) {
  return (
    <tr data-user={u.userId} className={u.disabled ? 'person-disabled' : undefined}>
      <td data-label="Name">
        <strong>{u.displayName ?? u.name}</strong>
        {u.displayName && <div className="muted small mono">{u.name}</div>}
        {u.disabled && <span className="badge badge-offline">Disabled</span>}
      </td>
      <td data-label="Role">{u.role}</td>
      <td data-label="Rooms">{u.role === 'admin' ? 'every PC' : scopeWords(u.scope)}</td>
      <td data-label="Signs in with">{SIGN_IN_WORDS[u.signIn]}</td>
      <td data-label="Last active" title={u.lastActiveAt ? new Date(u.lastActiveAt).toLocaleString() : undefined}>
        {lastActive(u, now)}
      </td>
      <td data-label="Live tokens">{u.tokens}</td>
      <td className="row-actions">
        <button className="secondary small" aria-label={`Manage ${u.name}`} onClick={onManage}>
          Manage
        </button>
      </td>
    </tr>
  );
}
