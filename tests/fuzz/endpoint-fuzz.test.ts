/**
 * Every endpoint survives generated bad input (issue 22, item 10). The endpoints come from the
 * coordinator's own GET /api/openapi.json; for each one, with each kind of token (none, garbage, the
 * join token, a registered worker's, another worker's, the admin's), fast-check sends requests built
 * from the operation's schemas: valid-ish bodies, queries and path parameters mixed with mutations
 * (wrong types, missing and extra fields, strings up to 100 KB, unicode and control characters,
 * numbers at and past their limits, nested junk), broken JSON and multipart forms, odd content types
 * and odd headers.
 *
 * Every answer must be a 2xx or a 4xx (no 5xx, no redirect, no hang, no dropped connection); a 4xx is
 * the error shape of app.ts (a non-empty `error` sentence, `statusCode` equal to the status, a
 * snake_case `reason` where there is one) and leaves no file in the uploads folder; no answer carries
 * a stack trace; the coordinator logs no error and still answers /api/health. One request in six is
 * wrapped in snapshots: refused, it must have changed nothing. At the end the store's invariants are
 * checked through admin GETs (jobs, workers, runs, counts, uploads, tokens).
 *
 * Environment:
 *   CMDX_FUZZ_RUNS     multiplies the cases (default 1: about 3,000 requests, 10 s here; `npm run
 *                      chaos` runs 10: 30,000 in 80 s). The time budget grows with it.
 *   CMDX_FUZZ_SEED     the base seed, to replay a run (default random; printed, and in every failure).
 *   CMDX_FUZZ_VERBOSE  set: also prints, per endpoint, how many answers were 2xx and how many refusals.
 *
 * Only loopback traffic. Direct runs are off and no worker process exists, so no generated command
 * ever runs; long polls are sent with wait=0 so that every request answers at once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { canTransition, END_REASONS, isJobStatus, JOB_STATUSES, WORKER_STATUSES, type JobStatus } from '../../shared/job-status.ts';
import { UPLOAD_NAME_PATTERN, uploadNameFromUrl } from '../../shared/uploads.ts';
import type { Logger } from '../../electron/core/logger.ts';
import { startTestCoordinator, type TestCoordinator } from '../helpers/coordinator.ts';
import { buildZip } from '../helpers/zip.ts';

const MULTIPLIER = Math.max(1, Number(process.env.CMDX_FUZZ_RUNS ?? 1) || 1);
const TARGET_REQUESTS = 3000 * MULTIPLIER;
/** Past this, each remaining (endpoint, token) pair gets one case only, so every pair is still tried. */
const TIME_BUDGET_MS = 40_000 * MULTIPLIER;
const REQUEST_TIMEOUT_MS = 15_000;
/** One request in this many is wrapped in before/after snapshots (kept when it is refused). */
const SNAPSHOT_EVERY = 6;
const BASE_SEED = Number(process.env.CMDX_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const SUBJECT = 'fz-w1';
const OTHER = 'fz-w2';
const TOKEN_KINDS = ['none', 'garbage', 'join', 'worker', 'other-worker', 'admin'] as const;
type TokenKind = (typeof TOKEN_KINDS)[number];
/** Shares of the cases: the tokens most endpoints accept get more, as past authentication is where the code is. */
const KIND_WEIGHT: Record<TokenKind, number> = { none: 1, garbage: 1, join: 1, worker: 2, 'other-worker': 1, admin: 3 };

/** A stack trace, or Node's internals, in an answer. */
const STACK_TRACE = /\n\s+at .+:\d+:\d+|node:internal|\bat (?:async )?[\w$.<>]+ \((?:file:\/\/)?\/[^)]*:\d+:\d+\)/;

// ---- the OpenAPI document ------------------------------------------------------------------------

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  query: { name: string; required: boolean; schema: Schema }[];
  pathParams: { name: string; schema: Schema }[];
  /** Documented request bodies: [content type, schema]. */
  bodies: [string, Schema][];
}

function operations(doc: any): Operation[] {
  const resolve = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref?.startsWith('#/components/schemas/')) return resolve(doc.components?.schemas?.[s.$ref.slice('#/components/schemas/'.length)]);
    return s;
  };
  const deref = (s: Schema | undefined): Schema => {
    const r = resolve(s);
    return {
      ...r,
      ...(r.properties ? { properties: Object.fromEntries(Object.entries(r.properties).map(([k, v]) => [k, deref(v)])) } : {}),
      ...(r.items ? { items: deref(r.items) } : {}),
      ...(r.anyOf ? { anyOf: r.anyOf.map(deref) } : {}),
      ...(r.oneOf ? { oneOf: r.oneOf.map(deref) } : {}),
    };
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params: any[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      ops.push({
        method: method.toUpperCase(),
        path,
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: deref(p.schema) })),
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: deref(p.schema) })),
        bodies: Object.entries<any>(op.requestBody?.content ?? {}).map(([type, c]) => [type, deref(c.schema)]),
      });
    }
  }
  return ops;
}

// ---- the world the requests are about ----------------------------------------------------------

interface World {
  c: TestCoordinator;
  workerToken: string;
  otherToken: string;
  /** The running job of each of our two workers (null if it could not get one). */
  subjectJob: string | null;
  otherJob: string | null;
  jobs: string[];
  runs: string[];
  requests: string[];
  workers: string[];
  /** Names of real uploads (a job's zip). */
  uploads: string[];
  /** A rotate with limits happened: the next heal gives the join token back its freedom. */
  joinLimited: boolean;
  /** Something may have changed since the last heal. */
  dirty: boolean;
  zips: { project: Buffer; junit: Buffer; badJunit: Buffer };
  errors: { msg: string; fields?: unknown }[];
}

const world = { errors: [] as World['errors'] } as World;
const remember = (list: string[], id: unknown) => {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || list.includes(id)) return;
  list.push(id);
  if (list.length > 24) list.splice(0, list.length - 24);
};

const tokenFor = (kind: TokenKind): string | undefined =>
  ({
    none: undefined,
    garbage: undefined,
    join: world.c.tokens.joinToken,
    worker: world.workerToken,
    'other-worker': world.otherToken,
    admin: world.c.tokens.adminToken,
  })[kind];

// ---- values ------------------------------------------------------------------------------------

const OMIT = Symbol('omit');

const deepArray = (n: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
};
const deepObject = (n: number): unknown => {
  let v: unknown = {};
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};

/** Strings that are odd in some way; the big ones stay at or under 100 KB of UTF-8. */
const oddText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    '\u0000',
    'a\u0000b',
    '\u001b[31mred\u001b[0m',
    '\u202eevil\u202c',
    '\r\nX-Injected: 1',
    '../../etc/passwd',
    '..\\..\\windows',
    '%00',
    '%2e%2e%2f',
    '<script>alert(1)</script>',
    "'; DROP TABLE jobs; --",
    'null',
    'undefined',
    'NaN',
    '__proto__',
    'constructor',
    '\uD800',
    '\uFFFF\uFFFE',
    '\u200b',
    'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ',
    '𝕏'.repeat(10),
    'e\u0301'.repeat(20),
    '0',
    '-1',
    '1e309',
    'true',
  ),
);
const bigText = fc.constantFrom('x'.repeat(100_000), '𝕏'.repeat(25_000), 'é'.repeat(50_000), 'ab\n'.repeat(30_000), '\u0007\u0000\u001f'.repeat(5000));
const oddNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, -1, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324),
);
const junkScalar = fc.oneof(oddText, oddNumber, fc.boolean(), fc.constant(null));
const junkKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'isAdmin', 'role', 'status', 'success', 'workerToken', ''),
  fc.string({ maxLength: 10 }),
);
const nestedJunk: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    junkScalar,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.array(fc.tuple(junkKey, tie('node')), { maxLength: 3 }).map(toObject),
  ),
})).node;
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: junkScalar },
  { weight: 2, arbitrary: nestedJunk },
  { weight: 1, arbitrary: bigText },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      deepArray(400),
      deepObject(400),
      Array.from({ length: 2000 }, (_, i) => i),
      {},
    ),
  },
);

/** An object whose keys are taken literally (a `__proto__` key stays a key, as JSON.parse makes it). */
function toObject(pairs: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of pairs) if (v !== OMIT) o[k] = v;
  return o;
}

const invalidFileUrl = fc.constantFrom(
  '/uploads/upload-1-ab.zip',
  '/uploads/../tokens.json',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'http://',
  'https://[::1',
  'ftp://files.invalid/p.zip',
);

/** Ids and values the coordinator knows, so requests reach past "not found". */
function known(name: string): fc.Arbitrary<unknown> | undefined {
  const pick = (list: string[], ...extra: string[]) => fc.constantFrom(...list, ...extra);
  switch (name) {
    case 'workerId':
    case 'replaces':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant(SUBJECT) },
        { weight: 2, arbitrary: fc.constant(OTHER) },
        { weight: 2, arbitrary: pick(world.workers, 'coordinator', 'COORDINATOR', 'ghost-pc') },
        { weight: 1, arbitrary: fc.nat({ max: 11 }).map((i) => `fz-new-${i}`) },
      );
    case 'jobId':
      return fc.oneof(
        { weight: world.subjectJob ? 4 : 0, arbitrary: fc.constant(world.subjectJob) },
        { weight: world.otherJob ? 1 : 0, arbitrary: fc.constant(world.otherJob) },
        { weight: 2, arbitrary: pick(world.jobs, 'job-1-none') },
      );
    case 'runId':
      return pick(world.runs, 'run-1-none');
    case 'requestId':
      return pick(world.requests, 'jr-none');
    case 'name':
      return pick(world.uploads, 'upload-1-ab.zip');
    case 'fileUrl':
      return fc.oneof(
        {
          weight: 3,
          arbitrary: pick(
            world.uploads.map((n) => `/uploads/${n}`),
            'http://files.invalid/p.zip',
          ),
        },
        { weight: 1, arbitrary: invalidFileUrl },
      );
    case 'command':
    case 'commands':
      return fc.constantFrom('echo hi', 'true', 'exit 3', 'echo a\necho b');
    case 'tag':
      return fc.constantFrom('room-b', 'gpu', 'fz');
    case 'hostname':
      return fc.constantFrom('lab-pc-01', 'fz-host');
    case 'windows':
      return fc.constantFrom('Mon-Fri 18:00-07:30', 'Sat 00:00-24:00', 'Mon-Fri 25:00-26:00', 'every day', '');
    case 'scorePattern':
      return fc.constantFrom('SCORE=(\\d+)', '(', '(a+)+$', '[', '(?<n>x)');
    case 'key':
      return fc.stringMatching(/^[0-9a-f]{64}$/);
    case 'artifacts':
      return fc.constantFrom(['junit.xml', 'out/**'], ['../x'], ['/etc/passwd'], ['C:/x'], []);
    case 'seq':
      return fc.nat({ max: 20 });
  }
  return undefined;
}

const singular: Record<string, string> = { workers: 'workerId', requestIds: 'requestId', tags: 'tag', artifacts: 'artifact' };

/** Worker ids come from a small pool only: every new id is a worker, and each worker one more job per broadcast run. */
const BOUNDED = new Set(['workerId', 'replaces']);

function valid(schema: Schema, name: string): fc.Arbitrary<unknown> {
  const k = known(name);
  if (k && BOUNDED.has(name)) return k;
  return k ? fc.oneof({ weight: 3, arbitrary: k }, { weight: 1, arbitrary: fromSchema(schema, name) }) : fromSchema(schema, name);
}

function fromSchema(s: Schema, name: string): fc.Arbitrary<unknown> {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => fromSchema(a, name)));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => fromSchema({ ...s, type }, name)));
  switch (s.type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? 64;
      const options: fc.Arbitrary<string>[] = [];
      if (s.pattern) {
        options.push(
          fc
            .stringMatching(new RegExp(s.pattern))
            .map((x) => x.slice(0, max))
            .filter((x) => x.length >= min),
        );
      } else {
        options.push(
          fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)) }),
          fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(max, 12)) }),
        );
      }
      if (s.maxLength !== undefined && s.maxLength <= 100_000 && !s.pattern) options.push(fc.constant('y'.repeat(s.maxLength)));
      return fc.oneof(...options);
    }
    case 'integer':
    case 'number': {
      const lo = s.minimum ?? -(2 ** 31);
      const hi = s.maximum ?? 2 ** 31 - 1;
      const inRange = s.type === 'integer' ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true });
      return fc.oneof({ weight: 3, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(lo, hi) });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(s.items ?? {}, singular[name] ?? name), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case 'object':
      return objectOf(s, false);
  }
  return junkValue;
}

/** The shortest value a schema accepts, to fill arrays past their limit. */
function minimal(s: Schema): unknown {
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return minimal(s.anyOf[0]!);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'string') return 'a'.repeat(Math.max(1, s.minLength ?? 1));
  if (type === 'integer' || type === 'number') return s.minimum ?? 0;
  if (type === 'boolean') return true;
  if (type === 'object') return {};
  if (type === 'array') return [];
  return null;
}

/** A value the schema refuses: just past a limit, the wrong type, or junk. */
function invalid(s: Schema): fc.Arbitrary<unknown> {
  const type = Array.isArray(s.type) ? s.type[0] : (s.type ?? s.anyOf?.[0]?.type);
  const near: unknown[] = [];
  if (type === 'string') {
    if ((s.minLength ?? 0) > 0) near.push('');
    if (s.maxLength !== undefined && s.maxLength < 100_000) near.push('z'.repeat(s.maxLength + 1));
    if (s.pattern) near.push('-leading', 'a b', 'a/b', 'ä', 'a\u0000');
    if (s.enum?.length) near.push(`not-${String(s.enum[0])}`, String(s.enum[0]).toUpperCase(), ` ${String(s.enum[0])}`);
    near.push(42, ['a']);
  }
  if (type === 'integer' || type === 'number') {
    if (s.minimum !== undefined) near.push(s.minimum - 1);
    if (s.maximum !== undefined) near.push(s.maximum + 1);
    near.push(1.5, '1', -0, 1e308, Number.MAX_SAFE_INTEGER + 2, true);
  }
  if (type === 'boolean') near.push('true', 1, 0, 'false');
  if (type === 'array') {
    if (s.maxItems !== undefined && s.maxItems <= 20_000) near.push(Array.from({ length: s.maxItems + 1 }, () => minimal(s.items ?? {})));
    if ((s.minItems ?? 0) > 0) near.push([]);
    near.push('a', { 0: 'a' }, [null], [[]]);
  }
  if (type === 'object') near.push([], 'object', { '': 1 });
  return fc.oneof({ weight: 2, arbitrary: near.length ? fc.constantFrom(...near) : junkValue }, { weight: 2, arbitrary: junkValue });
}

/** An object of the schema: `mutated` ones may miss required fields, hold invalid values and carry extra keys. */
function objectOf(s: Schema, mutated = true): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(s.properties ?? {}).map(([key, prop]) => {
    const required = s.required?.includes(key) ?? false;
    return fc
      .oneof(
        { weight: required ? (mutated ? 1 : 0) : 4, arbitrary: fc.constant<unknown>(OMIT) },
        { weight: 7, arbitrary: valid(prop, key) },
        { weight: mutated ? 2 : 0, arbitrary: invalid(prop) },
      )
      .map((v) => [key, v] as const);
  });
  const none = fc.constant<[string, unknown][]>([]);
  const extra = mutated ? fc.oneof({ weight: 4, arbitrary: none }, { weight: 1, arbitrary: fc.array(fc.tuple(junkKey, junkValue), { maxLength: 3 }) }) : none;
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, more]) => toObject([...pairs, ...more]));
}

// ---- requests ----------------------------------------------------------------------------------

interface Payload {
  body?: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

interface Spec {
  method: string;
  target: string;
  /** An Authorization header for the garbage kind, with {admin}, {join}, {worker} filled in at send time. */
  garbage: string;
  payload: Payload;
  headers: Record<string, string>;
}

/** Content types a JSON body is sent with besides application/json (undefined: no header). */
const ODD_JSON_TYPES = [
  undefined,
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/vnd.api+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  '*/*',
  ';;;=',
  'application/json, text/plain',
  'APPLICATION/JSON',
];

/** `arb` once in `every` values, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const rawJson = fc.constantFrom(
  '{',
  '}',
  '[]',
  '"x"',
  '{"a":',
  'null',
  'true',
  '0',
  '',
  ' ',
  '\u0000',
  '{"a":1}{"b":2}',
  '1e999999',
  '\uFEFF{}',
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  '{"workerId":"fz-w1","workerId":"fz-w2"}',
  '['.repeat(5000) + ']'.repeat(5000),
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  `{"x":"${'x'.repeat(99_000)}"}`,
);

const invalidUtf8 = fc.constantFrom(
  Uint8Array.from([0xff, 0xfe, 0xfd]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  Uint8Array.from([0xef, 0xbb, 0xbf]),
);

const encoding = sometimes(fc.constantFrom('gzip', 'gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, deflate', ''), 14);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonPayload(schema: Schema): fc.Arbitrary<Payload> {
  return fc
    .record({
      value: fc.oneof({ weight: 4, arbitrary: objectOf(schema, false) }, { weight: 6, arbitrary: objectOf(schema) }, { weight: 1, arbitrary: junkValue }),
      raw: sometimes(fc.oneof({ weight: 4, arbitrary: rawJson.map((t) => new TextEncoder().encode(t)) }, { weight: 1, arbitrary: invalidUtf8 }), 8),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...ODD_JSON_TYPES) }),
      encoding,
      compress: fc.boolean(),
    })
    .map(({ value, raw, contentType, encoding: enc, compress }): Payload => {
      // A wake's wait is kept at 0, as a long poll's is, so every request answers at once.
      if (isRecord(value) && typeof value.waitSeconds === 'number' && value.waitSeconds > 0) value = { ...value, waitSeconds: 0 };
      let body: Uint8Array = raw ?? new TextEncoder().encode(JSON.stringify(value) ?? 'null');
      if (enc === 'gzip' && compress) body = gzipSync(body);
      const headers: Record<string, string> = enc === undefined ? {} : { 'content-encoding': enc };
      return { body, contentType, headers };
    });
}

/** A file part's bytes: generated, one of the real zips, or the project zip cut short. */
type FileData = Uint8Array | { zip: 'project' | 'junit' } | { truncate: number };

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: string | FileData;
}

const fileData = fc.oneof(
  { weight: 5, arbitrary: fc.constant<FileData>({ zip: 'project' }) },
  { weight: 1, arbitrary: fc.constant<FileData>({ zip: 'junit' }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b])) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((n) => ({ truncate: n })) },
);
const fileName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('project.zip', 'p.zip') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('../../p.zip', 'a"b.zip', 'C:\\x\\p.zip', '𝕏.zip', 'a\u0001.zip', '', '.zip', 'x'.repeat(300) + '.zip', '/etc/passwd'),
  },
);

/** Form fields are text: what a form would carry for each, valid-ish or not. */
function formText(name: string, s: Schema): fc.Arbitrary<string> {
  const numeric = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('1', '2', '3', '60', '') },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', ' 2 ', '99999999999999999999', 'x', '0x10', '1e3') },
  );
  const byName: Record<string, fc.Arbitrary<string>> = {
    commands: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('echo hi', 'true') }, { weight: 1, arbitrary: fc.constantFrom('   ', '', 'x'.repeat(66_000)) }),
    target: fc.constantFrom('{"workers":["fz-w1"]}', '{"tags":["fz"]}', '{"os":"linux"}', '{', '[]', '{"workers":[]}', '{"x":1}', 'null', '"a"'),
    artifacts: fc.constantFrom('["junit.xml"]', '["../x"]', '[1]', '"x"', '{', '[]'),
    timeoutSeconds: numeric,
    maxAttempts: numeric,
    maxParallel: numeric,
    deadlineSeconds: numeric,
  };
  const plain = valid(s, name).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  return fc.oneof({ weight: 6, arbitrary: byName[name] ?? plain }, { weight: 1, arbitrary: oddText });
}

type Damage = 'none' | 'truncate' | 'no-final' | 'wrong-boundary' | 'no-boundary' | 'no-disposition' | 'as-json';

function multipartPayload(schema: Schema): fc.Arbitrary<Payload> {
  const isFile = (s: Schema) => s.format === 'binary' || s.items?.format === 'binary';
  const props = Object.entries(schema.properties ?? {});
  const parts = props.map(([name, s]) => {
    if (isFile(s)) {
      const one = fc.record({ data: fileData, filename: fileName }).map(({ data, filename }) => ({ name, filename, type: 'application/zip', data }));
      return fc.array(one, { maxLength: s.type === 'array' ? 3 : 2 });
    }
    const required = schema.required?.includes(name) ?? false;
    return fc.oneof({ weight: required ? 1 : 3, arbitrary: fc.constant([]) }, { weight: 5, arbitrary: formText(name, s).map((data) => [{ name, data }]) });
  });
  const extra = fc.oneof(
    { weight: 6, arbitrary: fc.constant([] as Part[]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.oneof(
          fc.record({ name: fc.constantFrom('file2', 'files', 'file[]', 'upload', ''), filename: fileName, data: fc.constant('junk') }),
          fc.record({ name: junkKey, data: oddText }),
        ),
        { maxLength: 2 },
      ),
    },
  );
  return fc
    .record({
      parts: fc.tuple(...parts),
      extra,
      order: fc.boolean(),
      boundary: fc.constantFrom('----fuzz', 'x', 'a'.repeat(70), '"quoted"'),
      damage: fc.constantFrom<Damage>('none', 'none', 'none', 'none', 'truncate', 'no-final', 'wrong-boundary', 'no-boundary', 'no-disposition', 'as-json'),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ parts: groups, extra: more, order, boundary, damage, cut }) => {
      let all: Part[] = [...groups.flat(), ...more];
      if (order) all = all.reverse();
      const resolved = all.map((p) => ({ ...p, data: fileBytes(p.data) }));
      if (damage === 'as-json') {
        const o = toObject(resolved.map((p) => [p.name, typeof p.data === 'string' ? p.data : 'binary'] as const));
        return { body: new TextEncoder().encode(JSON.stringify(o)), contentType: 'application/json' };
      }
      const b = boundary.replace(/"/g, '');
      let body = multipart(resolved, b, damage === 'no-disposition', damage !== 'no-final');
      if (damage === 'truncate') body = body.subarray(0, Math.floor(body.length * cut));
      const contentType =
        damage === 'no-boundary'
          ? 'multipart/form-data'
          : damage === 'wrong-boundary'
            ? 'multipart/form-data; boundary=other'
            : `multipart/form-data; boundary=${boundary}`;
      return { body, contentType };
    });
}

function fileBytes(data: Part['data']): Uint8Array | string {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if ('zip' in data) return world.zips[data.zip];
  return world.zips.project.subarray(0, data.truncate);
}

function multipart(
  parts: { name: string; filename?: string; type?: string; data: Uint8Array | string }[],
  boundary: string,
  noDisposition: boolean,
  final: boolean,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const text = (t: string) => chunks.push(Buffer.from(t, 'utf8'));
  for (const p of parts) {
    text(`--${boundary}\r\n`);
    if (!noDisposition) text(`Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n`);
    if (p.type) text(`Content-Type: ${p.type}\r\n`);
    text('\r\n');
    chunks.push(typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data);
    text('\r\n');
  }
  if (final) text(`--${boundary}--\r\n`);
  return Buffer.concat(chunks);
}

function zipPayload(): fc.Arbitrary<Payload> {
  return fc
    .record({
      data: fileData,
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/zip') },
        { weight: 1, arbitrary: fc.constantFrom(undefined, 'application/octet-stream', 'text/plain', 'multipart/form-data; boundary=x') },
      ),
      badJunit: fc.boolean(),
    })
    .map(({ data, contentType, badJunit }) => {
      const bytes = badJunit && typeof data === 'object' && 'zip' in data && data.zip === 'junit' ? world.zips.badJunit : fileBytes(data);
      return { body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, contentType };
    });
}

function payloadFor(op: Operation): fc.Arbitrary<Payload> {
  const options: fc.Arbitrary<Payload>[] = [];
  for (const [type, schema] of op.bodies) {
    if (type === 'application/json') options.push(jsonPayload(schema));
    else if (type.startsWith('multipart/')) options.push(multipartPayload(schema));
    else options.push(zipPayload());
  }
  if (options.length === 0) {
    // No documented body: mostly none, sometimes one anyway.
    return fc.oneof({ weight: 5, arbitrary: fc.constant<Payload>({}) }, { weight: 1, arbitrary: jsonPayload({ type: 'object', properties: {} }) });
  }
  return fc.oneof(...options);
}

/** Query values as text; a long poll's wait is kept at 0, so every request answers at once. */
function queryValue(name: string, s: Schema): fc.Arbitrary<string> {
  const numbers = fc.constantFrom('0', '-1', '1.5', '01', ' 1 ', '+1', '1e3', '0x10', '9007199254740993', '99999999999999999999', '', 'x', '٣');
  const value = fc
    .oneof(
      { weight: 5, arbitrary: valid(s, name).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))) },
      { weight: 1, arbitrary: oddText },
      { weight: 1, arbitrary: numbers },
    )
    .map((v) => v.slice(0, 1000));
  return name === 'wait' ? value.map((v) => (/^\s*[-+]?\d+\s*$/.test(v) && Number(v) > 0 ? '0' : v)) : value;
}

function queryFor(op: Operation): fc.Arbitrary<string> {
  const params = op.query.map((p) =>
    fc.oneof(
      { weight: p.required ? 1 : 3, arbitrary: fc.constant<[string, string][]>([]) },
      { weight: 6, arbitrary: queryValue(p.name, p.schema).map((v): [string, string][] => [[p.name, v]]) },
      {
        weight: 1,
        arbitrary: fc.tuple(queryValue(p.name, p.schema), queryValue(p.name, p.schema)).map(([a, b]): [string, string][] => [
          [p.name, a],
          [p.name, b],
        ]),
      },
    ),
  );
  const junk = fc.oneof(
    { weight: 5, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          junkKey.filter((k) => k !== 'wait'),
          oddText.map((v) => v.slice(0, 200)),
        ),
        { maxLength: 3 },
      ),
    },
  );
  const tail = fc.oneof(
    { weight: 10, arbitrary: fc.constant('') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('&', '&&=&', '%ZZ', '%', '=x', 'a[b]=c', 'a[]=1&a[]=2', '__proto__[x]=1', 'x=%00', '%E0%A4%A', '+++', ';', 'jobId'),
    },
  );
  return fc.tuple(fc.tuple(...params), junk, tail).map(([groups, more, rest]) => {
    const q = new URLSearchParams();
    for (const [k, v] of [...groups.flat(), ...more]) q.append(k, v);
    const text = [q.toString(), rest].filter(Boolean).join('&');
    return text ? `?${text}` : '';
  });
}

/** A path segment as a client sends it (a lone surrogate, which cannot be percent-encoded, becomes U+FFFD as in UTF-8). */
const encodeSegment = (v: string) => encodeURIComponent(Buffer.from(v, 'utf8').toString('utf8'));

function pathFor(op: Operation): fc.Arbitrary<string> {
  if (op.pathParams.length === 0) return fc.constant(op.path);
  const values = op.pathParams.map((p) =>
    fc
      .oneof(
        { weight: 4, arbitrary: valid(p.schema, p.name).map((v) => encodeSegment(String(v))) },
        { weight: 1, arbitrary: oddText.map((v) => encodeSegment(v.slice(0, 300))) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '%ZZ',
            '%',
            '%00',
            '..%2F..%2Ftokens.json',
            '%2e%2e%2Ftokens.json',
            '%C0%AE',
            'upload-1-ab.zip%00.txt',
            'UPLOAD-1-AB.ZIP',
            '.',
            '~',
          ),
        },
      )
      .map((v) => [p.name, v] as const),
  );
  // fetch resolves "." and ".." segments (%2e too) before sending: such a value would leave the endpoint.
  const segment = (v: string) => (v === '' || /^(?:\.|%2e){1,2}$/i.test(v) ? 'x' : v);
  return fc.tuple(...values).map((pairs) => pairs.reduce((path, [k, v]) => path.replace(`{${k}}`, segment(v)), op.path));
}

const garbageAuth = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((t) => `Bearer cmdx_a_${t}`),
  fc.stringMatching(/^[\x21-\x7e]{1,40}$/).map((t) => `Bearer ${t}`),
  fc.constantFrom(
    'Bearer {admin}x',
    'Bearer x{admin}',
    'Bearer {admin-1}',
    'Bearer {join}{join}',
    'Bearer {admin} {admin}',
    'Bearer {worker}.{worker}',
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46cGFzc3dvcmQ=',
    'Token {admin}',
    `Bearer ${'a'.repeat(513)}`,
    `Bearer ${'a'.repeat(8000)}`,
    'Bearer \u00e9\u00e9',
    'Bearer null',
    '{admin}',
    ', Bearer {admin}x',
  ),
);

const oddHeaders = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Record<string, string>>({}) },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          accept: fc.constantFrom('text/html', '*/*', 'application/xml', 'nothing/at-all', ''),
          'accept-encoding': fc.constantFrom('gzip', 'br', 'x-unknown;q=2'),
          origin: fc.constantFrom('http://evil.invalid', 'null'),
          'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', 'junk'),
          'x-http-method-override': fc.constantFrom('DELETE', 'PUT'),
          range: fc.constantFrom('bytes=0-10', 'bytes=99999999-', 'bytes=x', 'bytes=5-1'),
          'if-none-match': fc.constantFrom('*', '"x"'),
          cookie: fc.constantFrom('a=b', '__proto__=x'),
          'x-junk': fc.stringMatching(/^[\x21-\x7e]{0,100}$/),
        },
        { requiredKeys: [] },
      )
      .map((r) => r as Record<string, string>),
  },
);

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function requestFor(op: Operation): fc.Arbitrary<Spec> {
  return fc
    .record({
      method: fc.oneof({ weight: 19, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
      path: pathFor(op),
      query: queryFor(op),
      garbage: garbageAuth,
      payload: payloadFor(op),
      headers: oddHeaders,
    })
    .map(({ method, path, query, garbage, payload, headers }) => {
      const spec: Spec = { method, target: path + query, garbage, payload, headers };
      // fast-check prints a failing case with this: short, where the whole body could be 100 KB.
      return Object.assign(spec, { [fc.toStringMethod]: () => `${method} ${spec.target.slice(0, 300)} body ${preview(payload.body, 200)}` });
    });
}

// ---- sending and checking ----------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
  json: any;
  contentType: string;
}

const stats = { requests: 0, byStatus: new Map<number, number>(), refusedChecked: 0, notQuiet: 0, clientRefused: 0, byOp: new Map<string, number[]>() };

function preview(bytes: Uint8Array | undefined, max = 300): string {
  if (!bytes) return '(none)';
  const text = Buffer.from(bytes.subarray(0, max)).toString('utf8');
  return `${JSON.stringify(text)}${bytes.length > max ? ` … (${bytes.length} bytes)` : ''}`;
}

function describeRequest(spec: Spec, kind: TokenKind, authorization: string | undefined): string {
  const headers = { ...spec.headers, ...spec.payload.headers };
  return [
    `${spec.method} ${spec.target.slice(0, 500)}`,
    `token: ${kind}${kind === 'garbage' ? ` (${JSON.stringify(authorization?.slice(0, 80))})` : ''}`,
    `content-type: ${spec.payload.contentType ?? '(none)'}`,
    Object.keys(headers).length ? `headers: ${JSON.stringify(headers)}` : '',
    `body: ${preview(spec.payload.body)}`,
    `seed: CMDX_FUZZ_SEED=${BASE_SEED}`,
  ]
    .filter(Boolean)
    .join('\n  ');
}

async function send(method: string, target: string, headers: Record<string, string>, body?: Uint8Array): Promise<Answer> {
  const res = await fetch(world.c.url + target, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, contentType: res.headers.get('content-type') ?? '' };
}

/** An admin (or other) JSON call for setup, healing and checks. */
async function call(method: string, target: string, body?: unknown, token: string | null = world.c.tokens.adminToken): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send(method, target, headers, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
}

function fillTokens(template: string): string {
  const admin = world.c.tokens.adminToken;
  return template
    .replaceAll('{admin-1}', admin.slice(0, -1))
    .replaceAll('{admin}', admin)
    .replaceAll('{join}', world.c.tokens.joinToken)
    .replaceAll('{worker}', world.workerToken);
}

/** Sends one generated request and checks its answer; null when fetch itself would not send it. */
async function fire(spec: Spec, kind: TokenKind): Promise<Answer | null> {
  const token = tokenFor(kind);
  const authorization = kind === 'garbage' ? fillTokens(spec.garbage) : token ? `Bearer ${token}` : undefined;
  const headers: Record<string, string> = { ...spec.headers, ...spec.payload.headers };
  if (spec.payload.contentType !== undefined) headers['content-type'] = spec.payload.contentType;
  if (authorization !== undefined) headers.authorization = authorization;
  const what = () => describeRequest(spec, kind, authorization);
  const errorsBefore = world.errors.length;
  const filesBefore = new Set(readdirSync(world.c.context.uploadsDir));
  let answer: Answer;
  try {
    answer = await send(spec.method, spec.target, headers, spec.payload.body);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TypeError' && !e.cause) {
      stats.clientRefused++; // fetch refused to build this request (a header it will not send)
      return null;
    }
    const why = e.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : `${e.message} (${e.cause?.code ?? e.cause?.message ?? ''})`;
    assert.fail(`${why}\n  ${what()}`);
  }
  stats.requests++;
  stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
  const logged = world.errors
    .slice(errorsBefore)
    .map((e) => JSON.stringify(e).slice(0, 1500))
    .join('\n');
  const shown = `${answer.status} ${answer.text.slice(0, 400)}`;
  assert.ok(answer.status < 500, `a ${answer.status} answer: ${shown}\n  ${what()}${logged ? `\n  coordinator log:\n${logged}` : ''}`);
  assert.ok(answer.status >= 200, `a ${answer.status} answer: ${shown}\n  ${what()}`);
  assert.doesNotMatch(answer.text, STACK_TRACE, `a stack trace in the answer: ${shown}\n  ${what()}`);
  if (typeof answer.json?.error === 'string') assert.doesNotMatch(answer.json.error, STACK_TRACE, `a stack trace in the error: ${shown}\n  ${what()}`);
  assert.equal(logged, '', `the coordinator logged an error for a ${answer.status}:\n${logged}\n  ${what()}`);
  if (answer.status >= 400) {
    assert.match(answer.contentType, /^application\/json/, `a ${answer.status} that is not JSON: ${answer.contentType} ${shown}\n  ${what()}`);
    const body = answer.json;
    assert.ok(body && typeof body === 'object' && !Array.isArray(body), `a ${answer.status} whose body is not an object: ${shown}\n  ${what()}`);
    assert.equal(typeof body.error, 'string', `a ${answer.status} without an error sentence: ${shown}\n  ${what()}`);
    assert.ok(body.error.trim().length > 0, `a ${answer.status} with an empty error: ${shown}\n  ${what()}`);
    assert.equal(body.statusCode, answer.status, `a ${answer.status} whose statusCode says ${body.statusCode}: ${shown}\n  ${what()}`);
    // A machine reason, where the answer gives one, is a stable snake_case word; `success`, where given, is false.
    if (body.reason !== undefined) assert.match(String(body.reason), /^[a-z][a-z0-9_]*$/, `a ${answer.status} with an odd reason: ${shown}\n  ${what()}`);
    if (body.success !== undefined) assert.equal(body.success, false, `a ${answer.status} that says success: ${shown}\n  ${what()}`);
    assert.doesNotMatch(body.error, /\/electron\/|\.ts:\d+/, `a source path in the error: ${shown}\n  ${what()}`);
    const left = readdirSync(world.c.context.uploadsDir).filter((f) => !filesBefore.has(f));
    assert.deepEqual(left, [], `a refused request (${shown}) left files in the uploads folder\n  ${what()}`);
  } else if (answer.json && typeof answer.json === 'object' && answer.json.success === false) {
    // The seed's "no job" answer (202): a 2xx that says no must say why.
    assert.ok(typeof (answer.json.message ?? answer.json.error) === 'string', `a 2xx with success: false and no message: ${shown}\n  ${what()}`);
  }
  learn(spec, answer);
  return answer;
}

/** Keeps the ids answers mention, and our workers' tokens when the fuzz re-registered them. */
function learn(spec: Spec, answer: Answer): void {
  const ok = answer.status >= 200 && answer.status < 300;
  if (ok && (spec.method !== 'GET' || spec.target.startsWith('/api/jobs/get-job') || spec.target.startsWith('/api/workers/join-requests/status'))) {
    world.dirty = true;
  }
  const b = answer.json;
  if (!ok || !b || typeof b !== 'object') return;
  remember(world.jobs, b.jobId);
  remember(world.jobs, b.job?.jobId);
  if (Array.isArray(b.jobIds)) for (const id of b.jobIds.slice(0, 5)) remember(world.jobs, id);
  remember(world.runs, b.runId);
  remember(world.requests, b.requestId);
  if (typeof b.workerToken === 'string' && b.workerId === SUBJECT) world.workerToken = b.workerToken;
  if (typeof b.workerToken === 'string' && b.workerId === OTHER) world.otherToken = b.workerToken;
  if (typeof b.workerToken === 'string' && typeof b.workerId === 'string') remember(world.workers, b.workerId);
  if (typeof b.joinToken === 'string' && (b.maxUses !== null || b.expiresAt !== null)) world.joinLimited = true;
  if (typeof b.fileUrl === 'string') remember(world.uploads, uploadNameFromUrl(b.fileUrl));
}

// ---- state: healing, snapshots, invariants -----------------------------------------------------

interface JobRow {
  jobId: string;
  status: JobStatus;
  workerId: string | null;
  startedAt: number | null;
  completedAt: number | null;
  timeoutSeconds: number;
  maxAttempts: number;
  attempts: number;
  deadlineAt: number | null;
  exitCode: number | null;
  endReason: string | null;
  runId: string | null;
  fileUrl: string;
  command: string;
  filename: string;
  cancelRequested: boolean;
}

async function ok(method: string, target: string, body?: unknown, token?: string | null): Promise<any> {
  const a = await call(method, target, body, token);
  assert.ok(a.status >= 200 && a.status < 300, `${method} ${target}: ${a.status} ${a.text.slice(0, 300)}`);
  return a.json;
}

/** Every job without its output, through the paged list. */
async function allJobs(): Promise<JobRow[]> {
  const jobs: JobRow[] = [];
  let before = '';
  for (let page = 0; page < 1000; page++) {
    const res = await ok('GET', `/api/jobs/create?limit=500${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    jobs.push(...res.jobs);
    if (!res.nextBefore) return jobs;
    before = res.nextBefore;
  }
  throw new Error('more than 1000 pages of jobs');
}

async function allRuns(): Promise<any[]> {
  const runs: any[] = [];
  let before = '';
  for (let page = 0; page < 1000; page++) {
    const res = await ok('GET', `/api/runs/create?limit=500${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    runs.push(...res.runs);
    if (!res.nextBefore) return runs;
    before = res.nextBefore;
  }
  throw new Error('more than 1000 pages of runs');
}

/**
 * Gives our two workers a valid token, an online unpaused state and a running job each, and the join
 * token its freedom back: what the previous pair's requests may have taken away.
 */
async function heal(): Promise<void> {
  if (!world.dirty) return;
  if (world.joinLimited) {
    await ok('POST', '/api/join-token/rotate', {});
    world.joinLimited = false;
  }
  const workers: any[] = (await ok('GET', '/api/workers/register')).workers;
  for (const id of [SUBJECT, OTHER]) {
    const w = workers.find((x) => x.workerId === id);
    const tokenKey = id === SUBJECT ? 'workerToken' : 'otherToken';
    const beat =
      w && w.status !== 'offline'
        ? await call('POST', '/api/workers/heartbeat', { workerId: id, jobId: w.currentJobId ?? null, available: true }, world[tokenKey])
        : null;
    if (!beat || beat.status !== 200) {
      world[tokenKey] = (await ok('POST', '/api/workers/register', { workerId: id, hostname: `host-${id}`, tags: ['fz'], os: 'linux' })).workerToken;
      await call('POST', '/api/workers/heartbeat', { workerId: id, jobId: null, available: true }, world[tokenKey]);
    }
    if (w?.pausedByAdmin) await ok('POST', '/api/workers/pause', { workerId: id, paused: false });
    if (w?.paused) await call('POST', '/api/workers/heartbeat', { workerId: id, paused: false, available: true }, world[tokenKey]);
    const current = (await ok('GET', '/api/workers/register')).workers.find((x: any) => x.workerId === id)?.currentJobId ?? null;
    let job: string | null = current;
    if (!job) {
      await call('POST', '/api/jobs/create', {
        command: 'echo fuzz',
        fileUrl: world.uploads[0] ? `/uploads/${world.uploads[0]}` : 'http://files.invalid/p.zip',
        filename: 'p.zip',
        target: { workers: [id] },
        artifacts: ['junit.xml', 'out/**'],
        maxAttempts: 2,
      });
      const taken = await call('GET', `/api/jobs/get-job?workerId=${id}`, undefined, world[tokenKey]);
      job = taken.status === 200 ? (taken.json?.job?.jobId ?? null) : null;
    }
    if (id === SUBJECT) world.subjectJob = job;
    else world.otherJob = job;
    if (job) remember(world.jobs, job);
  }
  world.dirty = false;
}

/** Everything a refused request must leave as it was; `quiet` is false when the sweep may change something any moment. */
async function snapshot(): Promise<{ text: string; quiet: boolean }> {
  const jobs = await allJobs();
  const workers = (await ok('GET', '/api/workers/register')).workers;
  const runs = await allRuns();
  const policies = await ok('GET', '/api/workers/policy');
  const logs = await Promise.all(
    [world.subjectJob, world.otherJob].filter(Boolean).map(async (id) => (await call('GET', `/api/jobs/log?jobId=${id}&before=end&limit=3`)).text),
  );
  const soon = Date.now() + 10_000;
  // The sweep (every 2 s) ends running jobs 60 s past their timeout and pending run jobs past their deadline.
  const quiet = jobs.every(
    (j) =>
      !(j.status === 'pending' && j.deadlineAt !== null && j.deadlineAt < soon) &&
      !(j.status === 'running' && j.startedAt !== null && j.startedAt + j.timeoutSeconds * 1000 + 60_000 < soon),
  );
  return { text: JSON.stringify({ jobs, workers, runs, policies, logs, joinToken: world.c.tokens.joinToken }), quiet };
}

/** Terminal states never change; every status seen is a real one. */
const lastSeen = new Map<string, JobStatus>();
function observe(jobs: JobRow[]): void {
  for (const j of jobs) {
    assert.ok(isJobStatus(j.status), `job ${j.jobId} has status ${String(j.status)}`);
    const last = lastSeen.get(j.jobId);
    if (last !== undefined && last !== j.status) {
      assert.ok(reachable(last, j.status), `job ${j.jobId} went ${last} -> ${j.status}`);
    }
    lastSeen.set(j.jobId, j.status);
  }
}

function reachable(from: JobStatus, to: JobStatus): boolean {
  const seen = new Set<JobStatus>([from]);
  const queue: JobStatus[] = [from];
  while (queue.length) {
    const s = queue.shift()!;
    for (const next of JOB_STATUSES) {
      if (canTransition(s, next) && !seen.has(next)) {
        if (next === to) return true;
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

// ---- the test ----------------------------------------------------------------------------------

describe('every endpoint survives generated bad input (schema-driven fuzz)', () => {
  let ops: Operation[] = [];
  const started = Date.now();

  before(async () => {
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (msg, fields) => void world.errors.push({ msg, fields }),
    };
    world.c = await startTestCoordinator({ offlineAfterSeconds: 3600, direct: false, maxOutputMb: 1, minFreeMb: 0, logger });
    world.zips = {
      project: await buildZip([{ name: 'project/readme.txt', content: 'fuzz\n' }]),
      junit: await buildZip([
        { name: 'junit.xml', content: '<testsuite tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>' },
      ]),
      badJunit: await buildZip([{ name: 'junit.xml', content: '<testsuite tests="NaN"><<testcase name="&bogus;"' }]),
    };
    Object.assign(world, {
      jobs: [],
      runs: [],
      requests: [],
      workers: [SUBJECT, OTHER],
      uploads: [],
      dirty: true,
      joinLimited: false,
      workerToken: '',
      otherToken: '',
    });
    const doc = (await call('GET', '/api/openapi.json', undefined, null)).json;
    ops = operations(doc);
    // One real upload, so fileUrl and /uploads/{name} have something to find.
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(world.zips.project)]), 'project.zip');
    form.set('commands', 'echo setup');
    form.set('mode', 'distributed');
    const res = await fetch(`${world.c.url}/api/execute`, { method: 'POST', body: form, headers: { authorization: `Bearer ${world.c.tokens.adminToken}` } });
    assert.equal(res.status, 200, 'the setup upload is accepted');
    const jobId = ((await res.json()) as { jobId: string }).jobId;
    const status = await ok('GET', `/api/jobs/status?jobId=${jobId}`);
    remember(world.uploads, uploadNameFromUrl(status.fileUrl));
    remember(world.jobs, jobId);
    world.workerToken = await world.c.register(SUBJECT, { tags: ['fz'], os: 'linux' });
    world.otherToken = await world.c.register(OTHER, { tags: ['fz'], os: 'linux' });
    // One run, so runId has something to find.
    remember(
      world.runs,
      (await ok('POST', '/api/runs/create', { mode: 'each', commands: 'echo run', target: { tags: ['fz'] }, artifacts: ['junit.xml'] })).runId,
    );
    await heal();
  });
  after(async () => {
    await world.c?.close();
    // Whatever the coordinator left running after stop() would keep this file's process alive: say what, and end it.
    setTimeout(() => {
      console.error(`endpoint fuzz: the process is still alive 5 s after the coordinator stopped: ${process.getActiveResourcesInfo().join(', ')}`);
      process.exit(1);
    }, 5000).unref();
  });

  it('answers every generated request with a 2xx or a 4xx in the error shape, never a 5xx or a stack trace', async (t) => {
    assert.ok(ops.length >= 30, `the OpenAPI document lists ${ops.length} operations`);
    const pairs = ops.length * TOKEN_KINDS.length;
    const perShare = TARGET_REQUESTS / (ops.length * Object.values(KIND_WEIGHT).reduce((a, b) => a + b, 0));
    let pairIndex = 0;
    let sampled = 0;
    for (const op of ops) {
      await t.test(`${op.method} ${op.path}`, async () => {
        for (const kind of TOKEN_KINDS) {
          world.errors.splice(0); // what an earlier failure logged is reported with it
          await heal();
          const overBudget = Date.now() - started > TIME_BUDGET_MS;
          const seed = (BASE_SEED + pairIndex++ * 7919) | 0;
          await fc.assert(
            fc.asyncProperty(requestFor(op), async (spec) => {
              const check = ++sampled % SNAPSHOT_EVERY === 0;
              const beforeState = check ? await snapshot() : null;
              const answer = await fire(spec, kind);
              if (answer) {
                const counts = stats.byOp.get(`${op.method} ${op.path}`) ?? [0, 0];
                counts[answer.status < 300 ? 0 : 1]!++;
                stats.byOp.set(`${op.method} ${op.path}`, counts);
              }
              if (!beforeState || !answer || answer.status < 400) return;
              if (!beforeState.quiet) return void stats.notQuiet++;
              const afterState = await snapshot();
              if (!afterState.quiet) return void stats.notQuiet++;
              stats.refusedChecked++;
              assert.equal(
                afterState.text,
                beforeState.text,
                `a refused request (${answer.status} ${answer.text.slice(0, 200)}) changed state\n  ${describeRequest(spec, kind, undefined)}`,
              );
            }),
            { numRuns: overBudget ? 1 : Math.max(1, Math.round(perShare * KIND_WEIGHT[kind])), seed, endOnFailure: true },
          );
          const health = await call('GET', '/api/health', undefined, null);
          assert.equal(health.status, 200, `GET /api/health after ${op.method} ${op.path} with ${kind}: ${health.status}`);
          assert.deepEqual(world.errors.splice(0), [], 'the coordinator logged no error');
        }
        observe(await allJobs());
      });
    }
    const byStatus = [...stats.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
    t.diagnostic(
      `endpoint fuzz: ${stats.requests} requests over ${ops.length} operations x ${TOKEN_KINDS.length} tokens in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(seed ${BASE_SEED}); ${byStatus.join(', ')}; refused requests checked unchanged: ${stats.refusedChecked} ` +
        `(${stats.notQuiet} skipped: a sweep was due); not sent by fetch: ${stats.clientRefused}`,
    );
    if (process.env.CMDX_FUZZ_VERBOSE) for (const [name, [good, bad]] of stats.byOp) t.diagnostic(`${name}: ${good} answered 2xx, ${bad} refused`);
    assert.ok(stats.requests + stats.clientRefused >= pairs, `only ${stats.requests} requests were sent for ${pairs} (endpoint, token) pairs`);
  });

  it('leaves the store consistent: jobs, workers, runs, counts, uploads and tokens', async (t) => {
    const health = await call('GET', '/api/health', undefined, null);
    assert.equal(health.status, 200);
    // Read twice until two reads agree, so a sweep between the GETs cannot fake an inconsistency.
    let state: { jobs: JobRow[]; workers: any[]; runs: any[]; counts: any; total: number } | undefined;
    for (let attempt = 0; attempt < 5 && !state; attempt++) {
      const read = async () => ({
        jobs: await allJobs(),
        workers: (await ok('GET', '/api/workers/register')).workers as any[],
        runs: await allRuns(),
        counts: await ok('GET', '/api/jobs/counts'),
        total: (await ok('GET', '/api/jobs/create?limit=1')).total as number,
      });
      const a = await read();
      const b = await read();
      if (JSON.stringify(a) === JSON.stringify(b)) state = a;
    }
    assert.ok(state, 'two consecutive reads of the store agree');
    const { jobs, workers, runs, counts, total } = state;
    t.diagnostic(`the store after the fuzz: ${jobs.length} jobs, ${workers.length} workers, ${runs.length} runs`);
    observe(jobs);

    // Jobs: valid, whole, consistent with their status; none vanished.
    const ids = new Set(jobs.map((j) => j.jobId));
    assert.equal(ids.size, jobs.length, 'job ids are unique');
    assert.equal(total, jobs.length, 'the list total is the number of jobs');
    for (const id of lastSeen.keys()) assert.ok(ids.has(id), `job ${id} vanished`);
    const workerById = new Map(workers.map((w) => [w.workerId, w]));
    const runIds = new Set(runs.map((r) => r.runId));
    for (const j of jobs) {
      const where = `job ${j.jobId} (${j.status}): ${JSON.stringify(j).slice(0, 600)}`;
      assert.ok(isJobStatus(j.status), where);
      assert.ok(typeof j.command === 'string' && j.command.length > 0, `no command: ${where}`);
      assert.ok(typeof j.filename === 'string' && j.filename.length > 0, `no filename: ${where}`);
      assert.ok(typeof j.fileUrl === 'string' && j.fileUrl.length > 0, `no fileUrl: ${where}`);
      assert.ok(Number.isInteger(j.maxAttempts) && j.maxAttempts >= 1 && j.maxAttempts <= 10, `maxAttempts: ${where}`);
      assert.ok(Number.isInteger(j.attempts) && j.attempts >= 0 && j.attempts <= j.maxAttempts, `attempts: ${where}`);
      assert.ok(Number.isInteger(j.timeoutSeconds) && j.timeoutSeconds >= 1, `timeoutSeconds: ${where}`);
      if (j.runId !== null) assert.ok(runIds.has(j.runId), `its run is missing: ${where}`);
      if (j.status === 'pending') {
        assert.equal(j.completedAt, null, `a pending job has ended: ${where}`);
        assert.equal(j.exitCode, null, `a pending job has an exit code: ${where}`);
        assert.equal(j.endReason, null, `a pending job has an end reason: ${where}`);
      } else if (j.status === 'running') {
        assert.ok(j.workerId !== null && j.startedAt !== null, `a running job without worker or start: ${where}`);
        assert.equal(j.completedAt, null, `a running job has ended: ${where}`);
        assert.equal(workerById.get(j.workerId)?.currentJobId, j.jobId, `its worker does not say it runs it: ${where}`);
      } else {
        assert.ok(j.completedAt !== null, `an ended job without completedAt: ${where}`);
        assert.ok((END_REASONS as readonly string[]).includes(j.endReason ?? ''), `an ended job without a valid endReason: ${where}`);
        if (j.status === 'completed') assert.ok(Number.isInteger(j.exitCode) && j.endReason === 'exit', `a completed job without exit code: ${where}`);
        if (j.status === 'cancelled') assert.equal(j.endReason, 'cancelled', where);
      }
    }

    // Counts: what the list says, never negative.
    const recount = { all: jobs.length, active: 0, pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0 } as Record<string, number>;
    for (const j of jobs) {
      if (j.status === 'pending' || j.status === 'running') recount.active!++;
      if (j.status === 'pending') recount.pending!++;
      else if (j.status === 'running') recount.running!++;
      else if (j.status === 'completed') recount[j.exitCode === 0 ? 'passed' : 'failed']!++;
      else recount[j.status]!++;
    }
    for (const [k, v] of Object.entries(counts)) assert.ok(typeof v === 'number' && v >= 0, `count ${k} is ${String(v)}`);
    assert.deepEqual({ ...counts }, recount, 'GET /api/jobs/counts matches the jobs');

    // Workers: valid states; a busy worker runs exactly the job it names.
    assert.equal(new Set(workers.map((w) => w.workerId)).size, workers.length, 'worker ids are unique');
    for (const w of workers) {
      const where = `worker ${w.workerId}: ${JSON.stringify(w).slice(0, 400)}`;
      assert.ok((WORKER_STATUSES as readonly string[]).includes(w.status), where);
      if (w.currentJobId !== null) {
        const job = jobs.find((j) => j.jobId === w.currentJobId);
        assert.ok(job && job.status === 'running' && job.workerId === w.workerId, `its current job is not running on it: ${where}`);
      }
      if (w.status === 'busy') assert.ok(w.currentJobId !== null, `busy without a job: ${where}`);
    }

    // Runs: each summary is what its jobs say, never negative.
    assert.equal(runIds.size, runs.length, 'run ids are unique');
    for (const r of runs) {
      const own = jobs.filter((j) => j.runId === r.runId);
      const expected = { total: own.length, pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0 } as Record<string, number>;
      for (const j of own) expected[j.status === 'completed' ? (j.exitCode === 0 ? 'passed' : 'failed') : j.status]!++;
      const { waitingOffline, ...summary } = r.summary as Record<string, number>;
      assert.ok(
        Number.isInteger(waitingOffline) && waitingOffline! >= 0 && waitingOffline! <= expected.pending!,
        `run ${r.runId} waitingOffline ${waitingOffline}`,
      );
      assert.deepEqual(summary, expected, `run ${r.runId} (${r.mode}) summary differs from its jobs`);
      assert.ok(own.length > 0, `run ${r.runId} has no jobs`);
    }

    // Uploads: no half-written file, every file is one of ours and some job's zip (or a grading run's tests or
    // starter code, or a saved command's zip), every upload a job names is there.
    const uploadsDir = world.c.context.uploadsDir;
    const files = readdirSync(uploadsDir);
    const named = new Set(jobs.map((j) => uploadNameFromUrl(j.fileUrl)).filter(Boolean));
    const templates = (await ok('GET', '/api/templates/create')).templates as { zips?: { fileUrl: string }[] }[];
    const kept = new Set(
      [...templates.flatMap((tpl) => (tpl.zips ?? []).map((z) => z.fileUrl)), ...runs.flatMap((r) => [r.grading?.testsUrl, r.grading?.baseUrl])]
        .filter((url): url is string => typeof url === 'string')
        .map((url) => uploadNameFromUrl(url)),
    );
    for (const f of files) {
      assert.ok(UPLOAD_NAME_PATTERN.test(f), `a stray file in the uploads folder: ${f}`);
      assert.ok(named.has(f) || kept.has(f), `an upload no job, run or saved command uses (a refused request left it behind?): ${f}`);
    }
    for (const name of [...named].slice(0, 20)) {
      const res = await call('GET', `/uploads/${name}`);
      assert.equal(res.status, 200, `the upload ${name} a job names cannot be fetched: ${res.status}`);
    }

    // Tokens: the file holds the tokens in force, and they work.
    const file = JSON.parse(readFileSync(world.c.tokensFile!, 'utf8')) as { adminToken: string; joinToken: string };
    assert.deepEqual(file, { adminToken: world.c.tokens.adminToken, joinToken: world.c.tokens.joinToken }, 'tokens.json holds the tokens in force');
    assert.equal((await call('GET', '/api/jobs/counts')).status, 200, 'the admin token still works');
    assert.deepEqual(world.errors, [], 'the coordinator logged no error');
  });
});
