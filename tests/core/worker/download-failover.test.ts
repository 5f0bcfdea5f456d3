/**
 * A zip download in a campus: a coordinator that goes away mid-download is left for the next, which serves the same
 * shared files; an answer, a limit of ours or a zip on another host is not a reason to move.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CampusAddresses } from '../../../electron/core/worker/campus-addresses.ts';
import type { CoordinatorClient } from '../../../electron/core/worker/coordinator-client.ts';
import { lostConnection, withCampusFailover } from '../../../electron/core/worker/download-failover.ts';

/** The parts of a client withCampusFailover uses, over two or one coordinators. */
function fakeClient(servers: string[]) {
  const campus = new CampusAddresses(servers[0]!, servers.slice(1));
  const client = {
    campus,
    get server() {
      return campus.current;
    },
    leave: (at: number) => campus.moveOn(at),
  };
  return client as unknown as CoordinatorClient;
}

const reset = () =>
  Object.assign(new Error('Could not download the project zip (ECONNRESET).'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });

describe('a zip download in a campus', () => {
  it('moves to the next coordinator when the connection is lost, and downloads from there', async () => {
    const client = fakeClient(['https://10.0.0.5:3000', 'https://10.0.0.6:3000']);
    const tried: string[] = [];
    const bytes = await withCampusFailover(client, '/uploads/u.zip', undefined, () => {
      tried.push(client.server.origin);
      return tried.length === 1 ? Promise.reject(reset()) : Promise.resolve(42);
    });
    assert.equal(bytes, 42);
    assert.deepEqual(tried, ['https://10.0.0.5:3000', 'https://10.0.0.6:3000']);
  });

  it('tries each coordinator once, then gives the error', async () => {
    const client = fakeClient(['https://10.0.0.5:3000', 'https://10.0.0.6:3000']);
    let tries = 0;
    await assert.rejects(
      withCampusFailover(client, '/uploads/u.zip', undefined, () => {
        tries++;
        return Promise.reject(reset());
      }),
      /ECONNRESET/,
    );
    assert.equal(tries, 2);
  });

  it('does not move for an answer, a zip on another host, one coordinator, or a cancelled job', async () => {
    const answer = new Error('Could not download the project zip: https://10.0.0.5:3000/uploads/u.zip answered 404.');
    const cases: [string[], string, Error, AbortSignal | undefined][] = [
      [['https://10.0.0.5:3000', 'https://10.0.0.6:3000'], '/uploads/u.zip', answer, undefined],
      [['https://10.0.0.5:3000', 'https://10.0.0.6:3000'], 'https://files.example.org/u.zip', reset(), undefined],
      [['https://10.0.0.5:3000'], '/uploads/u.zip', reset(), undefined],
      [['https://10.0.0.5:3000', 'https://10.0.0.6:3000'], '/uploads/u.zip', reset(), AbortSignal.abort()],
    ];
    for (const [servers, url, error, signal] of cases) {
      const client = fakeClient(servers);
      let tries = 0;
      await assert.rejects(
        withCampusFailover(client, url, signal, () => {
          tries++;
          return Promise.reject(error);
        }),
      );
      assert.equal(tries, 1, url);
      assert.equal(client.server.origin, 'https://10.0.0.5:3000', 'still on the first');
    }
  });

  it('tells a lost connection from other failures', () => {
    assert.equal(lostConnection(reset()), true);
    assert.equal(lostConnection(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
    assert.equal(lostConnection(new Error('The project zip is larger than 100 MB (--max-extract-mb); download stopped.')), false);
  });
});
