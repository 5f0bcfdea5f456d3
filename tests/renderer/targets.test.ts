/** The dashboard's reading of targets: which workers match, how a target is said, the tags offered, and throttled refreshes. */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { WorkerDto } from '../../shared/api.ts';
import { describeTarget, listWords, matchesTarget, offlineKey, tagCounts } from '../../renderer/lib/targets.ts';
import { throttle } from '../../renderer/lib/throttle.ts';
import { workerDto } from '../helpers/worker-dto.ts';

const worker = (workerId: string, tags: string[], status: WorkerDto['status'] = 'idle', os = 'linux'): WorkerDto => workerDto(workerId, { tags, status, os });

describe('targets on the dashboard', () => {
  const workers = [worker('a', ['room-b', 'gpu']), worker('b', ['room-b'], 'offline'), worker('c', [], 'idle', 'win32')];

  it('matches every part of a target: all its tags, the OS, one of the named workers', () => {
    const ids = (target: Parameters<typeof matchesTarget>[0]) => workers.filter((w) => matchesTarget(target, w)).map((w) => w.workerId);
    assert.deepEqual(ids(null), ['a', 'b', 'c']);
    assert.deepEqual(ids({ tags: ['room-b'] }), ['a', 'b']);
    assert.deepEqual(ids({ tags: ['room-b', 'gpu'] }), ['a']);
    assert.deepEqual(ids({ os: 'win32' }), ['c']);
    assert.deepEqual(ids({ workers: ['b', 'c'], tags: ['room-b'] }), ['b']);
  });

  it('says a target in words, naming PCs by hostname', () => {
    assert.equal(describeTarget({ workers: ['a'] }, workers), 'host-a');
    assert.equal(describeTarget({ workers: ['a', 'zz'] }, workers), 'host-a or zz');
    assert.equal(describeTarget({ workers: ['a', 'b', 'c', 'd'] }, workers), '4 named PCs');
    assert.equal(describeTarget({ tags: ['room-b', 'gpu'], os: 'linux' }, workers), 'PCs tagged room-b and gpu on linux');
    assert.equal(describeTarget({ os: 'darwin' }, workers), 'PCs running darwin');
    assert.equal(listWords(['x', 'y', 'z']), 'x, y and z');
  });

  it('offers the tags the workers have, most common first, and keys the offline set', () => {
    assert.deepEqual(tagCounts(workers), [
      { tag: 'room-b', count: 2 },
      { tag: 'gpu', count: 1 },
    ]);
    assert.equal(offlineKey(workers), 'b');
    assert.equal(offlineKey([worker('z', [], 'offline'), ...workers]), 'b z');
  });
});

describe('throttle', () => {
  it('runs at once, folds the calls of the next interval into one, then runs at once again', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const fn = mock.fn();
      const t = throttle(fn, 250);
      t.call();
      assert.equal(fn.mock.callCount(), 1);
      t.call();
      t.call();
      assert.equal(fn.mock.callCount(), 1);
      mock.timers.tick(250);
      assert.equal(fn.mock.callCount(), 2, 'one trailing run for the calls in between');
      mock.timers.tick(250);
      assert.equal(fn.mock.callCount(), 2);
      t.call();
      assert.equal(fn.mock.callCount(), 3);
      t.call();
      t.cancel();
      mock.timers.tick(1000);
      assert.equal(fn.mock.callCount(), 3, 'cancelled: no trailing run');
    } finally {
      mock.timers.reset();
    }
  });
});
