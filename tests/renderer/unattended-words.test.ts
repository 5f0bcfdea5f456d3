/**
 * The dashboard's unattended nights, without a browser: what a wake or a power action came to in one
 * sentence; a saved command's edit form and back (every field again, what the form does not show kept);
 * Duplicate's name; a template made from a job (a job made from a template gives its placeholders back).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobDto } from '../../shared/api.ts';
import { LIMITS } from '../../shared/api.ts';
import type { TemplateDto } from '../../renderer/lib/api-types.ts';
import { templateFromJob, templateName } from '../../renderer/lib/template-from.ts';
import { bodyOf, copyOf, draftOf, missingParams } from '../../renderer/features/templates/template-draft.ts';
import { powerSentence, wakeSentence } from '../../renderer/features/workers/power-words.ts';

const nameOf = (id: string) => id.replace('worker-', 'lab-pc-');
const none = new Set<string>();

describe('wake and power answers in words', () => {
  it('counts many PCs: woken, still offline, without a network card, unreachable, on already', () => {
    const answer = {
      success: true as const,
      sent: 3,
      relayed: 0,
      awake: ['worker-1', 'worker-2'],
      stillOffline: ['worker-3', 'worker-4'],
      noMac: ['worker-4'],
      unreachable: [],
    };
    assert.equal(wakeSentence(answer, none, nameOf), '2 PCs woken, 1 still offline, 1 has no known network card.');
    const mixed = {
      success: true as const,
      sent: 1,
      relayed: 0,
      awake: ['worker-1', 'worker-2'],
      stillOffline: ['worker-5', 'worker-6'],
      noMac: [],
      unreachable: ['worker-5', 'worker-6'],
    };
    assert.equal(
      wakeSentence(mixed, new Set(['worker-2']), nameOf),
      '1 PC woken, 1 PC on already, 2 could not be reached (no coordinator or online PC on their network).',
    );
  });

  it('names one PC', () => {
    const one = (patch: object) => ({
      success: true as const,
      sent: 0,
      relayed: 0,
      awake: [],
      stillOffline: ['worker-7'],
      noMac: [],
      unreachable: [],
      ...patch,
    });
    assert.match(wakeSentence(one({ unreachable: ['worker-7'] }), none, nameOf), /^lab-pc-7 could not be reached: neither the coordinator nor an online PC/);
    assert.match(wakeSentence(one({ noMac: ['worker-7'] }), none, nameOf), /^lab-pc-7 has no known network card/);
    assert.equal(wakeSentence(one({ sent: 1 }), none, nameOf), 'A magic packet went to lab-pc-7; it is still offline (it shows here once it is back).');
    assert.equal(wakeSentence(one({ sent: 1, awake: ['worker-7'], stillOffline: [] }), none, nameOf), 'lab-pc-7 is awake.');
  });

  it('says who will power off and when, who was skipped because someone uses the PC, who is offline', () => {
    const answer = { success: true as const, accepted: ['worker-1', 'worker-2'], inUse: ['worker-3'], offline: ['worker-4'] };
    assert.equal(
      powerSentence(answer, 'shutdown', 300, nameOf),
      'lab-pc-1 and lab-pc-2 will shut down in 5 min; lab-pc-3 is in use: skipped (force it to shut down anyway); lab-pc-4 is offline: nothing to tell.',
    );
    const many = { success: true as const, accepted: ['a', 'b', 'c', 'd'], inUse: [], offline: [] };
    assert.equal(powerSentence(many, 'reboot', 0, nameOf), '4 PCs will restart now.');
  });
});

const template: TemplateDto = {
  templateId: 'tpl-1',
  name: 'Update the course',
  commands: 'git -C {{repo}} pull && npm ci --{{mode}}',
  params: [
    { name: 'repo', type: 'text', default: 'C:/course', required: true },
    { name: 'mode', type: 'choice', choices: ['debug', 'release'], default: 'release' },
    { name: 'times', type: 'number', default: 3 },
    { name: 'clean', type: 'boolean', default: false },
  ],
  mode: 'each',
  target: { tags: ['room-b'], os: 'win32' },
  timeoutSeconds: 5400,
  artifacts: ['junit.xml', 'coverage/**'],
  shell: 'powershell',
  zips: [{ fileUrl: '/uploads/upload-1-ab.zip', filename: 'course.zip' }],
  createdAt: 1,
  updatedAt: 2,
};

describe("a saved command's edit form", () => {
  it('gives back the same body, every field again, the zips it keeps included', () => {
    const { templateId: _id, createdAt: _c, updatedAt: _u, ...body } = template;
    assert.deepEqual(JSON.parse(JSON.stringify(bodyOf(draftOf(template), template))), JSON.parse(JSON.stringify(body)));
  });

  it('refuses a number default that is not one and a choice without choices, in sentences; sees placeholders no parameter names', () => {
    const draft = draftOf(template);
    assert.equal(bodyOf({ ...draft, params: [{ ...draft.params[2]!, default: 'three' }] }, {}), 'The default of times must be a number.');
    assert.equal(bodyOf({ ...draft, params: [{ ...draft.params[1]!, choices: ' , ' }] }, {}), 'Give mode its choices, separated by commas.');
    assert.equal(bodyOf({ ...draft, timeoutMinutes: '0' }, {}), 'The time limit is a number of minutes above 0.');
    assert.deepEqual(missingParams({ commands: 'echo {{ who }} {{repo}}', params: draft.params }), ['who']);
    const anyPc = bodyOf({ ...draft, workers: '', tags: ' ', os: '' }, {});
    assert.equal(typeof anyPc === 'object' && anyPc.target, null, 'no target: any PC');
  });

  it('names a copy "… (copy)", within a name\'s length', () => {
    assert.equal(copyOf(template).name, 'Update the course (copy)');
    assert.equal(copyOf({ ...template, name: 'x'.repeat(LIMITS.runNameLength) }).name.length, LIMITS.runNameLength);
  });
});

describe('Save as template from a job', () => {
  const job = {
    command: 'echo "Hello {{who}}"\necho done',
    fileUrl: '/uploads/upload-1-ab.zip',
    filename: 'project.zip',
    target: { workers: ['lab-pc-01'] },
    shell: 'sh',
    timeoutSeconds: 600,
    artifactPatterns: ['out.txt'],
    params: { who: 'Ada' },
  } as unknown as JobDto;

  it('keeps its commands, target, shell, time limit, result files and zip; its placeholders become text parameters with the values it ran with', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(templateFromJob(job))), {
      name: 'echo "Hello {{who}}" …',
      mode: 'single',
      commands: 'echo "Hello {{who}}"\necho done',
      target: { workers: ['lab-pc-01'] },
      shell: 'sh',
      timeoutSeconds: 600,
      artifacts: ['out.txt'],
      params: [{ name: 'who', type: 'text', default: 'Ada' }],
      zips: [{ fileUrl: '/uploads/upload-1-ab.zip', filename: 'project.zip' }],
    });
  });

  it("leaves out a zip that is not one of the coordinator's uploads, and a name too long", () => {
    assert.equal(templateFromJob({ ...job, fileUrl: 'http://elsewhere/p.zip' }).zips, undefined);
    assert.equal(templateName('y'.repeat(500)).length, LIMITS.runNameLength);
  });
});
