/**
 * POST /api/jobs/zip-source: a broadcast's workers are told to fetch from the coordinator or from a peer
 * (a chain: each peer serves one receiver), with a ticket bound to the job's zip, the serving peer and the
 * receiver's certificate; a worker asking about a job or a file that is not its own is refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkTicket, ticketKey } from '../../../electron/core/peer-ticket.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';

const fingerprint = (name: string) => createHash('sha256').update(name).digest('hex');

describe('zip sources for a broadcast', () => {
  let c: TestCoordinator;
  const tokens: Record<string, string> = {};
  const jobs: Record<string, { jobId: string; fileUrl: string; fileSha256: string }> = {};
  let key = '';

  const beat = (id: string, peer?: unknown) =>
    c.api('POST', '/api/workers/heartbeat', { token: tokens[id]!, body: { workerId: id, ...(peer ? { peer } : {}) } });
  const ask = (id: string, body: Record<string, unknown>) => c.api('POST', '/api/jobs/zip-source', { token: tokens[id]!, body: { workerId: id, ...body } });

  before(async () => {
    c = await startTestCoordinator();
    for (const id of ['w1', 'w2', 'w3', 'w4']) {
      tokens[id] = await c.register(id);
      const answer = await beat(id, id === 'w4' ? undefined : { port: 4000 + Number(id[1]), fingerprint: fingerprint(id), holds: [] });
      assert.equal(answer.status, 200);
      if (id === 'w4') assert.equal(answer.body.ticketKey, undefined, 'a worker that serves nothing is not given the key');
      else key = answer.body.ticketKey;
    }
    const zip = await buildZip([{ name: 'a.txt', content: 'the project\n' }]);
    const form = uploadForm(zip, { mode: 'each', commands: 'true', target: JSON.stringify({ workers: ['w1', 'w2', 'w3', 'w4'] }) });
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    assert.equal(res.status, 200, await res.clone().text());
    for (const id of Object.keys(tokens)) {
      const got = await c.api('GET', `/api/jobs/get-job?workerId=${id}&wait=0`, { token: tokens[id]! });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      jobs[id] = got.body.job;
    }
  });
  after(() => c.close());

  it('sends the first to the coordinator and each next one to the last, with a ticket for that peer, that zip and that receiver', async () => {
    const first = await ask('w1', { jobId: jobs.w1!.jobId, fileUrl: jobs.w1!.fileUrl });
    assert.deepEqual(first.body, { success: true, source: 'coordinator' });
    const second = await ask('w2', { jobId: jobs.w2!.jobId, fileUrl: jobs.w2!.fileUrl });
    assert.equal(second.body.source, 'peer');
    const { peer } = second.body;
    assert.equal(peer.workerId, 'w1');
    assert.equal(peer.url, `https://127.0.0.1:4001/blobs/${jobs.w1!.fileSha256}`);
    assert.equal(peer.fingerprint, fingerprint('w1'));
    const check = checkTicket(peer.ticket, { key: ticketKey(key)!, self: 'w1', sha256: jobs.w2!.fileSha256, clientCert: fingerprint('w2'), now: Date.now() });
    assert.ok(check.ok, JSON.stringify(check));
    assert.equal(check.ticket.jobId, jobs.w2!.jobId);
    assert.equal(check.ticket.to, 'w2');
    assert.equal(check.ticket.size, peer.size);
    const third = await ask('w3', { jobId: jobs.w3!.jobId, fileUrl: jobs.w3!.fileUrl });
    assert.equal(third.body.peer.workerId, 'w2', 'w1 serves w2 already: w3 takes the tail of the chain');
  });

  it('prefers a peer holding the zip whole, and sends a worker that serves nothing to the coordinator', async () => {
    await beat('w3', { port: 4003, fingerprint: fingerprint('w3'), holds: [jobs.w3!.fileSha256] });
    const again = await ask('w1', { jobId: jobs.w1!.jobId, fileUrl: jobs.w1!.fileUrl });
    assert.equal(again.body.peer?.workerId, 'w3');
    const plain = await ask('w4', { jobId: jobs.w4!.jobId, fileUrl: jobs.w4!.fileUrl });
    assert.deepEqual(plain.body, { success: true, source: 'coordinator' });
  });

  it("refuses a job of another worker, a file the job does not use, and another worker's id", async () => {
    const notMine = await ask('w1', { jobId: jobs.w2!.jobId, fileUrl: jobs.w2!.fileUrl });
    assert.equal(notMine.status, 403);
    assert.equal(notMine.body.reason, 'not_assigned');
    const otherFile = await ask('w1', { jobId: jobs.w1!.jobId, fileUrl: '/uploads/upload-1-abc.zip' });
    assert.equal(otherFile.body.reason, 'not_assigned');
    const posing = await c.api('POST', '/api/jobs/zip-source', {
      token: tokens.w1!,
      body: { workerId: 'w2', jobId: jobs.w2!.jobId, fileUrl: jobs.w2!.fileUrl },
    });
    assert.equal(posing.status, 403);
    const bad = await ask('w1', { jobId: jobs.w1!.jobId, fileUrl: 'x'.repeat(5000) });
    assert.equal(bad.status, 400);
  });

  it('refuses a job that ended', async () => {
    const done = await c.api('POST', '/api/jobs/submit-result', { token: tokens.w4!, body: { jobId: jobs.w4!.jobId, workerId: 'w4', exitCode: 0 } });
    assert.equal(done.status, 200);
    const late = await ask('w4', { jobId: jobs.w4!.jobId, fileUrl: jobs.w4!.fileUrl });
    assert.equal(late.body.reason, 'not_assigned');
  });

  it('stops handing out a peer that said goodbye, and takes a peer server only from the worker itself', async () => {
    await c.api('POST', '/api/workers/goodbye', { token: tokens.w3!, body: { workerId: 'w3' } });
    const next = await ask('w1', { jobId: jobs.w1!.jobId, fileUrl: jobs.w1!.fileUrl });
    assert.notEqual(next.body.peer?.workerId, 'w3');
    const byAdmin = await c.api('POST', '/api/workers/heartbeat', { body: { workerId: 'w4', peer: { port: 1, fingerprint: fingerprint('x'), holds: [] } } });
    assert.equal(byAdmin.status, 200);
    assert.equal(c.context.zipSources.directory.fingerprintOf('w4'), undefined);
  });
});
