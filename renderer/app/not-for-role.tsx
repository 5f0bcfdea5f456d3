/** A page the signed-in role may not use (a link followed, an address typed): one <main> with one h1, why, and the way back. */
import type { PersonRole } from '../../shared/roles.ts';
import { Icon } from '../components/icons.tsx';
import { aRole } from '../lib/person-words.ts';

const WHO_MAY: Record<string, string> = {
  'New job': 'Starting jobs is for teachers and admins',
  People: 'People are managed by an admin',
  Activity: 'The activity of everyone is for an admin',
};

export function NotForRole({ title, role }: { title: string; role: PersonRole }) {
  return (
    <main className="page" data-testid="not-for-role">
      <a href="#/" className="back">
        <Icon name="back" /> Workers and jobs
      </a>
      <h1>{title}</h1>
      <p className="notice">
        {WHO_MAY[title] ?? 'This page is for another role'}; you are signed in as {aRole(role)}. Ask an admin if you need it.
      </p>
    </main>
  );
}
