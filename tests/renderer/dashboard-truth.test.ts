/** The dashboard's own readings: a worker's state, why a job waits, rows that keep their place, the login's sentences, the Run again template. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobDto, WorkerDto } from '../../shared/api.ts';
import { workerDto } from '../helpers/worker-dto.ts';
import { ApiError } from '../../renderer/lib/api-error.ts';
import { firstLine } from '../../renderer/lib/format.ts';
import { mergeWorkers } from '../../renderer/lib/live/worker-order.ts';
import { powerNote, workerStatus } from '../../renderer/lib/worker-state.ts';
import { clock } from '../../renderer/lib/format.ts';
import { templateOf } from '../../renderer/features/new-job/job-template.ts';
import { readLimits, timeoutText } from '../../renderer/features/new-job/limits.ts';
import { oidcErrorCode, oidcErrorWords, signInError } from '../../renderer/features/auth/sign-in-words.ts';
import { pendingHint, waitingText } from '../../renderer/features/jobs/pending-hint.ts';

const worker = (workerId: string, name: string, patch: Partial<WorkerDto> = {}): WorkerDto => workerDto(workerId, { hostname: name, name, ...patch });

describe("the dashboard's readings", () => {
  it('a worker is busy before paused, paused before waiting, and waiting only while its policy keeps it from jobs', () => {
    assert.equal(workerStatus(worker('a', 'a', { status: 'busy', pausedByAdmin: true })), 'busy');
    assert.equal(workerStatus(worker('a', 'a', { pausedByAdmin: true, available: false })), 'paused');
    assert.equal(workerStatus(worker('a', 'a', { paused: true })), 'paused');
    assert.equal(workerStatus(worker('a', 'a', { available: false })), 'waiting');
    assert.equal(workerStatus(worker('a', 'a', { status: 'offline', available: false })), 'offline');
    assert.equal(workerStatus({ status: 'idle', paused: false }), 'idle', 'an older coordinator without the new fields');
  });

  it("a worker's power action reads as asked, under way, skipped, failed, and, once offline, powered off on purpose rather than lost", () => {
    const asked = { action: 'shutdown' as const, delaySeconds: 300, force: false, requestedAt: 1_000_000, at: null, message: null };
    const at = 1_300_000;
    assert.equal(powerNote(worker('a', 'a')), null);
    assert.equal(powerNote(worker('a', 'a', { power: { ...asked, state: 'requested' } })), `Asked to shut down at ${clock(asked.requestedAt)}`);
    assert.equal(powerNote(worker('a', 'a', { power: { ...asked, state: 'powering_off', at } }), at - 1000), `Shutting down at ${clock(at)}`);
    const loggedOff = worker('a', 'a', { power: { ...asked, action: 'logoff', state: 'powering_off', at } });
    assert.equal(powerNote(loggedOff, at - 1000), `Logging off at ${clock(at)}`);
    assert.equal(powerNote(loggedOff, at + 1000), `Logged off at ${clock(at)} from the dashboard`, 'the PC stays up: done');
    assert.equal(
      powerNote(worker('a', 'a', { power: { ...asked, action: 'reboot', state: 'in_use', at } })),
      'Did not restart: someone is using it (force it to restart anyway)',
    );
    assert.equal(powerNote(worker('a', 'a', { power: { ...asked, state: 'failed', at, message: 'access denied' } })), 'Could not shut down: access denied');
    assert.equal(
      powerNote(worker('a', 'a', { status: 'offline', power: { ...asked, state: 'powering_off', at } })),
      `Shut down from the dashboard at ${clock(at)}`,
    );
    assert.equal(powerNote(worker('a', 'a', { status: 'offline', power: { ...asked, state: 'in_use', at } })), null, 'offline for another reason');
  });

  it('a pending job says how many PCs are in use by students, outside their hours, busy or paused', () => {
    const inUse = (id: string) =>
      worker(id, id, { available: false, availabilityReason: 'PC in use since 10:42 (jobs run after 10 min without keyboard or mouse)' });
    const lab = [
      ...Array.from({ length: 12 }, (_, i) => inUse(`u${i}`)),
      worker('h', 'h', { available: false, availabilityReason: 'outside its hours until 18:00' }),
    ];
    assert.equal(waitingText(lab), '12 PCs are in use by students, 1 is outside their hours');
    assert.equal(pendingHint(lab), '12 PCs are in use by students, 1 is outside their hours. The job starts when one of them is free.');
    const busy = [...lab, worker('b', 'b', { status: 'busy' }), worker('p', 'p', { pausedByAdmin: true })];
    assert.equal(
      pendingHint(busy),
      'No online worker is free: 1 busy, 1 paused, 12 PCs are in use by students, 1 is outside their hours. The job starts when one is free.',
    );
    assert.equal(pendingHint([...busy, worker('f', 'f')]), 'A worker is free; it will start this job in a moment.');
    assert.equal(pendingHint([inUse('x')], { workers: ['x'] }), 'Waiting for x: PC in use since 10:42 (jobs run after 10 min without keyboard or mouse).');
  });

  it('rows keep their place: a changed worker stays where it was, a new one goes where its name sorts', () => {
    const list = [worker('1', 'lab-pc-01'), worker('2', 'lab-pc-02'), worker('10', 'lab-pc-10')];
    const renamed = mergeWorkers(list, [worker('1', 'zz-front-desk', { status: 'busy' })]);
    assert.deepEqual(
      renamed.map((w) => w.workerId),
      ['1', '2', '10'],
    );
    const added = mergeWorkers(renamed, [worker('3', 'lab-pc-03')]);
    assert.deepEqual(
      added.map((w) => w.name),
      ['zz-front-desk', 'lab-pc-02', 'lab-pc-03', 'lab-pc-10'],
    );
  });

  it('the sign-in names the join token, a worker token, a person token and a wrong token apart; a wrong password in its own words', () => {
    const refused = new ApiError(401, 'That is not the admin token of this coordinator.', 'invalid_credentials');
    assert.match(signInError(refused, { kind: 'join' }), /^That is the join token; use the admin token/);
    assert.match(signInError(refused, { kind: 'worker' }), /^That is a worker's token/);
    assert.match(signInError(refused, { kind: 'person' }), /^That is a person's token, for cmdx in a terminal/);
    assert.match(signInError(refused, { kind: null }), /not valid for this coordinator/);
    const slow = new ApiError(429, 'Too many wrong sign-ins for (admin token) from 10.0.0.7; try again in 30 s.', 'rate_limited');
    assert.equal(signInError(slow, { kind: null }), slow.message);
    const wrong = new ApiError(401, 'The name or password is wrong (or that person is disabled); check them.', 'invalid_credentials');
    assert.equal(signInError(wrong), wrong.message, "the coordinator's sentence about a password");
  });

  it("a school sign-in's error in the hash reads in words; an unknown code is named", () => {
    assert.equal(oidcErrorCode('#/'), null);
    assert.equal(oidcErrorCode('#/?error=access_denied'), 'access_denied');
    assert.equal(oidcErrorCode('#/jobs/x?state=1&error=server_error'), 'server_error');
    assert.match(oidcErrorWords('access_denied', 'Schul-Login'), /cancelled or refused/);
    assert.equal(oidcErrorWords('odd_thing', 'Schul-Login'), 'Signing in with Schul-Login did not work (odd_thing); try again, or ask an admin.');
  });

  it('Run again keeps the commands, limits (in their unit), shell, target, result files and the zip by its fileUrl; a direct run has no zip kept', () => {
    const job = {
      jobId: 'job-1',
      command: 'npm ci\r\nnpm test',
      timeoutSeconds: 90,
      maxAttempts: 2,
      shell: 'pwsh',
      target: { workers: ['pc-0001'] },
      workerId: 'pc-0001',
      runId: null,
      fileUrl: '/uploads/abc.zip',
      filename: 'project.zip',
      artifactPatterns: ['junit.xml', 'build/*.log'],
    } as unknown as JobDto;
    assert.deepEqual(templateOf(job), {
      fromJobId: 'job-1',
      commands: 'npm ci\r\nnpm test',
      limits: { timeout: '90', unit: 's', attempts: '2' },
      shell: 'pwsh',
      target: { workers: ['pc-0001'] },
      artifacts: ['junit.xml', 'build/*.log'],
      direct: false,
      zip: { fileUrl: '/uploads/abc.zip', filename: 'project.zip' },
    });
    const direct = templateOf({ ...job, workerId: 'coordinator', target: null });
    assert.equal(direct.direct, true);
    assert.equal(direct.zip, null);
    assert.equal(templateOf({ ...job, shell: null }).shell, null, "a job without a shell: the PC's default again");
  });

  it('limits read as minutes or seconds and attempts, empty for the defaults, with a sentence when wrong', () => {
    assert.deepEqual(readLimits({ timeout: '', unit: 'min', attempts: '' }), {});
    assert.deepEqual(readLimits({ timeout: '1.5', unit: 'min', attempts: '3' }), { timeoutSeconds: 90, maxAttempts: 3 });
    assert.deepEqual(readLimits({ timeout: '10', unit: 's', attempts: '' }), { timeoutSeconds: 10 });
    assert.match((readLimits({ timeout: '0', unit: 'min', attempts: '' }) as { error: string }).error, /^"Time limit" must be a number of minutes above 0/);
    assert.match((readLimits({ timeout: '0.2', unit: 's', attempts: '' }) as { error: string }).error, /^"Time limit" must be a number of seconds above 0/);
    assert.match((readLimits({ timeout: '', unit: 'min', attempts: '11' }) as { error: string }).error, /^"Attempts" must be a whole number from 1 to 10/);
    assert.deepEqual(timeoutText(3600), { timeout: '60', unit: 'min' });
    assert.deepEqual(timeoutText(100), { timeout: '100', unit: 's' });
  });

  it('the first line of commands sent as a form field (CRLF line ends)', () => {
    assert.equal(firstLine('echo a\r\nsleep 3'), 'echo a …');
    assert.equal(firstLine('\n  \necho only\n'), 'echo only');
    assert.equal(firstLine(''), '');
  });
});
