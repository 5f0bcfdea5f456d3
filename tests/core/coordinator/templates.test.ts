/**
 * Saved commands through the API, workers played by HTTP calls: a template checked (placeholders are
 * its parameters, defaults among the choices), run with typed values (a job carrying them, never in its
 * command), listed, changed, and kept from deletion while a schedule uses it; schedule previews in words.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const TEMPLATE = {
  name: 'Update the course',
  commands: 'git -C {{repo}} pull\necho {{ level }} {{dry}}',
  params: [
    { name: 'repo', type: 'text', required: true },
    { name: 'level', type: 'choice', choices: ['intro', 'advanced'], default: 'intro' },
    { name: 'dry', type: 'boolean', default: false },
    { name: 'count', type: 'number' },
  ],
};

onBothEngines('saved commands', () => {
  let c: TestCoordinator;
  const post = (path: string, body: unknown) => c.api('POST', path, { body });
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
    await c.register('w1');
  });
  afterEach(async () => {
    await c?.close();
  });

  it('runs a template with typed values: the job carries them as parameters, its command keeps the placeholders', async () => {
    const created = await post('/api/templates/create', TEMPLATE);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { templateId, mode, zips } = created.body.template;
    assert.equal(mode, 'single');
    assert.equal(zips[0].filename, '(no zip)', 'a template without a zip runs in an empty folder');
    const ran = await post('/api/templates/run', { templateId, params: { repo: 'x"; touch pwned; echo "', count: 3 } });
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w1');
    assert.equal(got.body.job.jobId, ran.body.jobId);
    assert.equal(got.body.job.command, TEMPLATE.commands, 'values never become command text');
    assert.deepEqual(got.body.job.params, { repo: 'x"; touch pwned; echo "', level: 'intro', dry: 'false', count: '3' });
    const job = (await c.api('GET', `/api/jobs/status?jobId=${ran.body.jobId}`)).body;
    assert.equal(job.templateId, templateId);
  });

  it('refuses values of the wrong type, unknown parameters, a missing required one, and a placeholder that is no parameter', async () => {
    const { templateId } = (await post('/api/templates/create', TEMPLATE)).body.template;
    for (const [params, sentence] of [
      [{}, /repo is required/],
      [{ repo: 'r', count: 'three' }, /count must be a number/],
      [{ repo: 'r', level: 'expert' }, /level must be one of "intro", "advanced"/],
      [{ repo: 'r', dry: 'yes' }, /dry must be true or false/],
      [{ repo: 'r', nope: 1 }, /no parameter nope/],
      [{ repo: 'line\nbreak' }, /one line of text/],
    ] as const) {
      const res = await post('/api/templates/run', { templateId, params });
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.match(res.body.error, sentence);
    }
    const stray = await post('/api/templates/create', { ...TEMPLATE, commands: 'echo {{missing}}' });
    assert.equal(stray.status, 400);
    assert.match(stray.body.error, /\{\{missing\}\}, which is not one of the template's parameters/);
    const badDefault = await post('/api/templates/create', {
      ...TEMPLATE,
      params: [{ name: 'level', type: 'choice', choices: ['a'], default: 'b' }],
      commands: 'x',
    });
    assert.match(badDefault.body.error, /default of level, "b", is not one of its choices/);
    const notOurs = await post('/api/templates/create', { ...TEMPLATE, zips: [{ fileUrl: 'https://example.test/x.zip', filename: 'x.zip' }] });
    assert.match(notOurs.body.error, /not an upload on this coordinator/);
  });

  it('lists, gets, changes and deletes templates; a schedule keeps its template from deletion', async () => {
    const { templateId } = (await post('/api/templates/create', TEMPLATE)).body.template;
    const changed = await post('/api/templates/update', { ...TEMPLATE, templateId, name: 'Pull the course' });
    assert.equal(changed.body.template.name, 'Pull the course');
    assert.equal((await c.api('GET', `/api/templates/get?templateId=${templateId}`)).body.name, 'Pull the course');
    assert.deepEqual(
      (await c.api('GET', '/api/templates/create')).body.templates.map((t: any) => t.templateId),
      [templateId],
    );
    const schedule = await post('/api/schedules/create', { templateId, cron: '0 22 * * 1-5', timezone: 'Europe/Paris', params: { repo: 'r' } });
    assert.equal(schedule.status, 200, JSON.stringify(schedule.body));
    assert.equal(schedule.body.schedule.words, 'every weekday at 22:00');
    assert.equal(schedule.body.schedule.next.length, 5);
    const inUse = await post('/api/templates/delete', { templateId });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.reason, 'template_in_use');
    await post('/api/schedules/delete', { scheduleId: schedule.body.schedule.scheduleId });
    assert.equal((await post('/api/templates/delete', { templateId })).status, 200);
    const gone = await c.api('GET', `/api/templates/get?templateId=${templateId}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.reason, 'template_not_found');
  });

  it('previews an expression in words with its next five times, and refuses bad expressions and zones with a sentence', async () => {
    const preview = await c.api('GET', `/api/schedules/preview?cron=${encodeURIComponent('30 7 * * 1')}&timezone=UTC`);
    assert.equal(preview.body.words, 'every Monday at 07:30');
    assert.equal(preview.body.next.length, 5);
    for (const next of preview.body.next) {
      const d = new Date(next);
      assert.deepEqual([d.getUTCDay(), d.getUTCHours(), d.getUTCMinutes()], [1, 7, 30]);
    }
    const bad = await c.api('GET', `/api/schedules/preview?cron=${encodeURIComponent('61 * * * *')}`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /not valid: Invalid value for minute: 61/);
    const fields = await c.api('GET', `/api/schedules/preview?cron=${encodeURIComponent('* *')}`);
    assert.match(fields.body.error, /5 fields .* has 2/);
    const zone = await c.api('GET', `/api/schedules/preview?cron=${encodeURIComponent('* * * * *')}&timezone=Mars/Base`);
    assert.match(zone.body.error, /"Mars\/Base" is not a time zone/);
  });
});
