/** People (`#/people`, an admin's page): who may use this dashboard, in which role and rooms; add a person, manage one. */
import { useState } from 'react';
import { Icon } from '../../components/icons.tsx';
import type { UserDto } from '../../lib/api-types.ts';
import { CreatePerson } from './create-person.tsx';
import { PeopleTable } from './people-table.tsx';
import { PersonDialog } from './person-dialog.tsx';
import { usePeople } from './use-people.ts';
import './people.css';

export function PeoplePage({ now }: { now: number }) {
  const people = usePeople();
  const [adding, setAdding] = useState(false);
  const [managing, setManaging] = useState<UserDto | null>(null);
  const reload = people.reload;
  return (
    <main className="page people-page">
      <a href="#/" className="back">
        <Icon name="back" /> Workers and jobs
      </a>
      <header className="job-head">
        <h1>People</h1>
        <button className="primary" onClick={() => setAdding(true)}>
          <Icon name="plus" /> Add a person
        </button>
      </header>
      <p className="muted">
        Teachers run jobs on the PCs of their rooms; assistants read the results there and write feedback on grading runs; admins do everything. Each signs in
        with their own name, and the Activity page keeps what each did.
      </p>
      {people.error && (
        <p className="error" role="alert">
          {people.error}
        </p>
      )}
      <section className="card" aria-labelledby="people-title">
        <h2 id="people-title">
          People <span className="count">{people.users?.length ?? 0}</span>
        </h2>
        {people.users ? <PeopleTable users={people.users} now={now} onManage={setManaging} /> : <p className="muted">Loading…</p>}
      </section>
      {adding && <CreatePerson onCreated={reload} onClose={() => setAdding(false)} />}
      {managing && <PersonDialog user={managing} now={now} onChanged={reload} onClose={() => setManaging(null)} />}
    </main>
  );
}
