/** A person's display name, role and rooms: the fields of Add a person and of a person's dialog. */
import { PERSON_ROLES, ROLE_WORDS, type PersonRole } from '../../../shared/roles.ts';
import type { NewUser, UserDto } from '../../lib/api-types.ts';
import { scopeFromText } from './people-words.ts';

export interface PersonDraft {
  displayName: string;
  role: PersonRole;
  /** Worker tags as typed: "room-b, room-c". */
  rooms: string;
}

export function draftOf(user: UserDto | null): PersonDraft {
  return { displayName: user?.displayName ?? '', role: user?.role ?? 'teacher', rooms: user?.scope?.tags.join(', ') ?? '' };
}

/** What the coordinator is sent; throws a sentence for rooms that are not tags. An admin works on every PC. */
export function draftBody(draft: PersonDraft): Pick<NewUser, 'displayName' | 'role' | 'scope'> {
  return {
    displayName: draft.displayName.trim() || undefined,
    role: draft.role,
    scope: draft.role === 'admin' ? null : scopeFromText(draft.rooms),
  };
}

export function PersonFields({ id, draft, onChange }: { id: string; draft: PersonDraft; onChange: (draft: PersonDraft) => void }) {
  const set = (part: Partial<PersonDraft>) => onChange({ ...draft, ...part });
  return (
    <>
      <label htmlFor={`${id}-display`}>Display name (optional)</label>
      <input id={`${id}-display`} type="text" maxLength={120} value={draft.displayName} onChange={(e) => set({ displayName: e.target.value })} />
      <label htmlFor={`${id}-role`}>Role</label>
      <select id={`${id}-role`} value={draft.role} aria-describedby={`${id}-role-hint`} onChange={(e) => set({ role: e.target.value as PersonRole })}>
        {PERSON_ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
      <p id={`${id}-role-hint`} className="muted small">
        {ROLE_WORDS[draft.role]}.
      </p>
      {draft.role !== 'admin' && (
        <>
          <label htmlFor={`${id}-rooms`}>Rooms (worker tags)</label>
          <input
            id={`${id}-rooms`}
            type="text"
            placeholder="room-b, room-c"
            aria-describedby={`${id}-rooms-hint`}
            value={draft.rooms}
            onChange={(e) => set({ rooms: e.target.value })}
          />
          <p id={`${id}-rooms-hint`} className="muted small">
            The PCs carrying one of these tags; empty: every PC.
          </p>
        </>
      )}
    </>
  );
}
