/**
 * Group commit: an answer waits for a WAL sync that started after its change committed (never one already under way),
 * requests of one turn share a sync, and the event loop is free while the sync runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from '../../../electron/core/coordinator/state/group-commit.ts';
import { Store } from '../../../electron/core/coordinator/state/store.ts';
import { CoordinatorEvents } from '../../../electron/core/coordinator/live/events.ts';

/** A store whose WAL syncs end when the test says. */
function fakeStore() {
  const syncs: { covers: number; end: () => void }[] = [];
  const db = {
    commits: 0,
    syncWal: () => new Promise<void>((resolve) => syncs.push({ covers: db.commits, end: resolve })),
  };
  return { store: { db } as unknown as Store, db, syncs };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('makes a change committed during a sync wait for the next sync, and shares a sync within a turn', async () => {
    const { store, db, syncs } = fakeStore();
    const commit = new GroupCommit(store);
    const done: string[] = [];
    db.commits = 1;
    void commit.durable().then(() => done.push('a'));
    void commit.durable().then(() => done.push('b'));
    await turn();
    assert.equal(syncs.length, 1, 'one sync for both');
    db.commits = 2; // committed while the sync runs: not covered by it
    void commit.durable().then(() => done.push('c'));
    syncs[0]!.end();
    await turn();
    assert.deepEqual(done, ['a', 'b']);
    assert.equal(syncs.length, 2, 'the next sync starts at once for c');
    assert.equal(syncs[1]!.covers, 2);
    syncs[1]!.end();
    await turn();
    assert.deepEqual(done, ['a', 'b', 'c']);
    // Nothing new committed: answered at once, no sync.
    await commit.durable();
    assert.equal(syncs.length, 2);
  });

  it('syncs a real WAL (the file SQLite writes, opened by path), and the change is there after reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmdx-gc-'));
    const file = join(dir, 'c.db');
    const store = new Store({ file, events: new CoordinatorEvents() });
    const commit = new GroupCommit(store);
    store.db.transaction(() => store.db.prepare("INSERT INTO templates (template_id, body, created_at, updated_at) VALUES ('t1', '{}', 1, 1)").run());
    await commit.durable();
    store.close();
    const again = new Store({ file, events: new CoordinatorEvents() });
    assert.equal((again.db.prepare("SELECT count(*) AS n FROM templates WHERE template_id = 't1'").get() as { n: number }).n, 1);
    again.close();
  });
});
