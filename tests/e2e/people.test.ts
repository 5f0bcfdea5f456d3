/**
 * People and roles on the dashboard in real Chromium: an admin adds a teacher and an assistant on the People page
 * (each first password shown once), the teacher's header says who is signed in, the assistant sees results but no
 * control to run, cancel or change anything, a job's page shows who cancelled it, the Activity page lists the rows
 * and filters them by who (refused ones said in words), a token for the terminal made and revoked, a session that
 * ends goes back to the sign-in with a sentence, signing out, a coordinator without authentication, and a school
 * sign-in's error in words.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, logIn, signInAs, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { waitForScreen } from '../helpers/log-screen.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

describe('people and roles on the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let admin: Page;
  let worker: CliProcess;
  const passwords: Record<string, string> = {};
  const contexts: BrowserContext[] = [];
  let passedJob = '';

  /** A page in a browser of its own (its own cookies). */
  const freshPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    contexts.push(context);
    return context.newPage();
  };

  /** A job that waits for good: the only Windows PC of its room never asks for work. */
  const waitingJob = async (): Promise<string> => {
    await c.register('lab-pc-09', { tags: ['room-b'], os: 'win32' });
    const made = await c.api('POST', '/api/jobs/create', {
      body: { command: 'echo later', fileUrl: 'http://127.0.0.1:9/p.zip', filename: 'waits.zip', target: { tags: ['room-b'], os: 'win32' } },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    return made.body.jobId as string;
  };

  /** Whether the live feed takes a session cookie alone (the coordinator's live.ts), as a signed-in person's page connects. */
  const userId = async (name: string): Promise<string> =>
    (await c.api('GET', '/api/users/create')).body.users.find((u: { name: string }) => u.name === name).userId as string;

  before(async () => {
    c = await startTestCoordinator();
    worker = startCli(
      [
        'worker',
        '--server',
        c.url,
        '--id',
        'lab-pc-01',
        '--name',
        'lab-pc-01',
        '--tags',
        'room-b',
        '--work-dir',
        tempDir('cmdx-worker-'),
        '--heartbeat-interval',
        '0.5',
      ],
      {
        CMDX_JOIN_TOKEN: c.tokens.joinToken,
      },
    );
    const t = { url: c.url, adminToken: c.tokens.adminToken };
    await waitFor('the worker', async () => (await c.api('GET', '/api/workers/register')).body.workers.length === 1 || undefined, 20_000);
    passedJob = await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'echo graded fine', { target: JSON.stringify({ tags: ['room-b'] }) });
    assert.equal((await waitForJob(t, passedJob)).exitCode, 0);
    browser = await launchChromium();
    admin = await freshPage();
    await logIn(admin, c.url, c.tokens.adminToken);
  });

  after(async () => {
    await browser?.close();
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  /** Adds a person on the People page; answers the first password the page showed once. */
  const addPerson = async (name: string, displayName: string, role: string, rooms: string): Promise<string> => {
    await admin.getByRole('button', { name: 'Add a person' }).click();
    const dialog = admin.getByTestId('create-person');
    await dialog.getByLabel('Sign-in name').fill(name);
    await dialog.getByLabel('Display name (optional)').fill(displayName);
    await dialog.getByLabel('Role').selectOption(role);
    await dialog.getByLabel('Rooms (worker tags)').fill(rooms);
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await waitForText(dialog.getByRole('heading'), new RegExp(`${displayName} \\(${name}\\) can sign in`));
    const password = await dialog.getByTestId('secret-value').inputValue();
    assert.ok(password.length >= 10, 'a first password');
    await waitForText(dialog, /Shown only this once/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await waitForText(admin.locator(`[data-testid="people"] tr`, { hasText: name }), new RegExp(`${role}.*room-b.*Password.*never`));
    return password;
  };

  it('an admin adds a teacher and an assistant on the People page, each first password shown once', async () => {
    await admin.getByTestId('header-user').click();
    await admin.getByRole('link', { name: 'People' }).click();
    await waitForText(admin.locator('main h1'), /^People$/);
    passwords.maria = await addPerson('maria', 'Maria Rossi', 'teacher', 'room-b');
    passwords.sam = await addPerson('sam', 'Sam Lee', 'assistant', 'room-b');
    // Shown once: the person's dialog has no password in it, only a way to make a new one.
    await admin.getByRole('button', { name: 'Manage maria' }).click();
    const dialog = admin.getByTestId('person-dialog');
    await waitForText(dialog.getByRole('heading').first(), /Maria Rossi \(maria\)/);
    assert.equal(await dialog.getByTestId('secret-value').count(), 0);
    assert.equal(await dialog.getByRole('button', { name: 'Reset password…' }).count(), 1);
    await dialog.getByRole('button', { name: 'Done' }).click();
  });

  it("the teacher's header says who is signed in; a teacher may start jobs but not manage people", async () => {
    const page = await freshPage();
    await signInAs(page, c.url, 'maria', passwords.maria!);
    await waitForText(page.getByTestId('header-user'), /Maria Rossi · teacher · room-b$/);
    await page.getByTestId('header-new-job').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add a worker' }).count(), 0);
    await page.getByTestId('header-user').click();
    assert.equal(await page.getByRole('link', { name: 'People' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Activity' }).count(), 0);
    await page.goto(`${c.url}/#/people`);
    await waitForText(page.getByTestId('not-for-role'), /People are managed by an admin; you are signed in as a teacher/);
  });

  it('an assistant sees the results but no control to run, cancel or save as a template', async () => {
    const page = await freshPage();
    await signInAs(page, c.url, 'sam', passwords.sam!);
    await waitForText(page.getByTestId('header-user'), /Sam Lee · assistant · room-b$/);
    assert.equal(await page.getByTestId('header-new-job').count(), 0);
    assert.equal(await page.locator('#new-job-title').count(), 0, 'no New job form beside the lists');
    assert.equal(await page.getByRole('button', { name: 'Lab policy' }).count(), 0);
    await page.goto(`${c.url}/#/jobs/${passedJob}`);
    await waitForText(page.locator('.job-head'), /Passed/);
    await waitForScreen(page, (lines) => lines.includes('graded fine'));
    for (const name of ['Run again…', 'Save as template', 'Cancel']) assert.equal(await page.getByRole('button', { name }).count(), 0, name);
    await page.goto(`${c.url}/#/new`);
    await waitForText(page.getByTestId('not-for-role'), /Starting jobs is for teachers and admins; you are signed in as an assistant/);
    await page.goto(`${c.url}/#/templates`);
    await waitForText(page.locator('main h1'), /^Saved commands$/);
    assert.equal(await page.getByRole('button', { name: 'New saved command' }).count(), 0);
  });

  it("a worker's Manage dialog shows its history; an assistant's row offers only its Details", async () => {
    await admin.goto(`${c.url}/#/`);
    await admin.getByRole('button', { name: 'Manage lab-pc-01' }).click();
    await waitForText(admin.getByTestId('worker-dialog').getByTestId('history'), /Registered by join token/);
    await admin.keyboard.press('Escape');
    const page = await freshPage();
    await signInAs(page, c.url, 'sam', passwords.sam!);
    await waitForText(page.getByTestId('connection'), /Live/);
    await waitForText(page.getByTestId('jobs'), /project\.zip/);
    assert.equal(await page.getByRole('button', { name: 'Manage lab-pc-01' }).count(), 0);
    await page.getByRole('button', { name: 'Details of lab-pc-01' }).click();
    const dialog = page.getByTestId('worker-dialog');
    await waitForText(dialog.getByTestId('history'), /Registered by join token/);
    for (const name of ['Rename', 'Pause lab-pc-01', 'Forget lab-pc-01…']) assert.equal(await dialog.getByRole('button', { name }).count(), 0, name);
  });

  it("a job's page shows its history: who cancelled it, when, from where", async () => {
    const jobId = await waitingJob();
    const page = await freshPage();
    await signInAs(page, c.url, 'maria', passwords.maria!);
    await page.goto(`${c.url}/#/jobs/${jobId}`);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForText(page.getByTestId('history'), /Cancelled by maria, \d\d:\d\d( [AP]M)?, from 127\.0\.0\.1/);
  });

  it('the Activity page lists the people added and filters by who; a refused attempt says so in words', async () => {
    const sam = await freshPage();
    await signInAs(sam, c.url, 'sam', passwords.sam!);
    // An assistant's cancel, sent by hand past the hidden button: refused, and recorded.
    const status = await sam.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/jobs/cancel', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ jobId: 'job-none' }),
      });
      return res.status;
    });
    assert.equal(status, 403);
    await admin.goto(`${c.url}/#/activity`);
    await waitForText(admin.locator('main h1'), /^Activity$/);
    const audit = admin.getByTestId('audit');
    await waitForText(audit, /Person added/);
    assert.equal(await audit.locator('tr', { hasText: 'Person added' }).count(), 2, 'two people added');
    await admin.getByLabel('Who').fill('sam');
    await admin.getByRole('button', { name: 'Show', exact: true }).click();
    await waitForText(audit, /Refused: their role may not/);
    const actors = await audit.locator('tbody tr td[data-label="Who"] strong').allTextContents();
    assert.ok(actors.length > 0 && actors.every((a) => a === 'sam'), `only sam's rows: ${actors.join(', ')}`);
    const refused = audit.locator('tr[data-outcome="refused"]');
    assert.match((await refused.first().textContent()) ?? '', /jobs\.cancel/);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /jobs\.cancel/);
    assert.doesNotMatch(csv, /users\.create/, "the CSV holds what the filter shows: sam's rows");
  });

  it('a token for the terminal: made and shown once with the cmdx login line, then revoked', async () => {
    const page = await freshPage();
    await signInAs(page, c.url, 'maria', passwords.maria!);
    await page.getByTestId('header-user').click();
    await page.getByRole('link', { name: 'Your account and tokens' }).click();
    await waitForText(page.locator('main h1'), /^Your account$/);
    await page.getByLabel('Name', { exact: true }).fill('my laptop');
    await page.getByRole('button', { name: 'Make a token' }).click();
    const token = await page.getByTestId('secret-value').inputValue();
    assert.match(token, /^cmdx_u_/);
    assert.match(await page.getByTestId('login-line').inputValue(), /^cmdx login /);
    assert.equal((await c.api('GET', '/api/session', { token })).status, 200, 'the token works');
    await page.getByRole('button', { name: 'Revoke my laptop' }).click();
    await waitForText(page.getByTestId('token-list'), /Revoked/);
    assert.equal((await c.api('GET', '/api/session', { token })).status, 401, 'revoked');
  });

  it('a session that ends goes back to the sign-in with a sentence; signing out too', async () => {
    const page = await freshPage();
    await signInAs(page, c.url, 'sam', passwords.sam!);
    const sam = await userId('sam');
    assert.equal((await c.api('POST', '/api/users/disable', { body: { userId: sam } })).status, 200);
    await page.goto(`${c.url}/#/runs`);
    await waitForText(page.getByTestId('sign-in-message'), /session ended/);
    await page.getByLabel('Name', { exact: true }).waitFor();
    assert.equal((await c.api('POST', '/api/users/disable', { body: { userId: sam, enabled: true } })).status, 200);

    await signInAs(page, c.url, 'sam', passwords.sam!);
    await page.getByTestId('header-user').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Name', { exact: true }).waitFor();
    await page.reload();
    await page.getByLabel('Name', { exact: true }).waitFor();
    assert.equal(await page.getByTestId('header-user').count(), 0, 'still signed out after a reload');
  });

  it('a coordinator without authentication opens its dashboard at once, with nothing to sign out of', async () => {
    const open = await startTestCoordinator({ auth: false });
    try {
      const page = await freshPage();
      await page.goto(open.url);
      await waitForText(page.getByTestId('connection'), /Live/);
      await waitForText(page.getByTestId('header-user'), /admin$/);
      await page.getByTestId('header-new-job').waitFor();
      await page.getByTestId('header-user').click();
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    } finally {
      await open.close();
    }
  });

  it('a school sign-in that came back with an error says it in words', async () => {
    const page = await freshPage();
    await page.goto(`${c.url}/#/?error=access_denied`);
    await waitForText(page.getByTestId('sign-in-oidc-error'), /cancelled or refused on the school's sign-in page/);
    await page.getByLabel('Name', { exact: true }).fill('maria');
    await page.getByLabel('Password', { exact: true }).fill(passwords.maria!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('header-user').waitFor();
    assert.equal(await page.evaluate<string>('location.hash'), '#/', 'the error goes from the address once signed in');
  });
});
