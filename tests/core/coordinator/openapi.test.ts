/** The OpenAPI document: valid OpenAPI 3.1, every route the code serves is in it, and every path in it is served. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';

const COORDINATOR_DIR = fileURLToPath(new URL('../../../electron/core/coordinator/', import.meta.url));

/** Every `router.get('/path'` (and app., post, put, delete) in the coordinator's source, as "get /path". */
function routesInCode(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(join(dir, entry.name), 'utf8').matchAll(/\b(?:router|app)\.(get|post|put|delete)\(\s*'([^']+)'/g)) {
          found.add(`${m[1]} ${m[2]!.replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    }
  };
  walk(COORDINATOR_DIR);
  return found;
}

describe('GET /api/openapi.json', () => {
  let c: TestCoordinator;
  let doc: any;
  before(async () => {
    c = await startTestCoordinator();
    const res = await fetch(`${c.url}/api/openapi.json`);
    assert.equal(res.status, 200, 'served without a token: it holds no secret');
    doc = await res.json();
  });
  after(() => c?.close());

  it('is a valid OpenAPI 3.1 document (checked by a maintained validator)', async () => {
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
    assert.equal(doc.openapi, '3.1.0');
  });

  it("lints clean with redocly's recommended rules: servers, an operationId and the refusals of every operation", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    assert.deepEqual(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer})`),
      [],
    );
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>).flatMap((p) =>
      Object.values(p),
    );
    assert.equal(new Set(operations.map((o) => o.operationId)).size, operations.length, 'operationIds are unique');
    assert.equal(doc.paths['/api/jobs/status'].get.operationId, 'getJobsStatus');
    assert.deepEqual(doc.paths['/api/jobs/status'].get.responses['401'].content['application/json'].schema, { $ref: '#/components/schemas/Error' });
    assert.deepEqual(doc.components.schemas.Error.required, ['error', 'statusCode', 'reason']);
  });

  it('lists every route the coordinator serves, and nothing it does not', () => {
    const documented = new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    const code = routesInCode();
    code.add('get /api/ws'); // the WebSocket upgrade is not an Express route
    assert.deepEqual([...code].filter((r) => !documented.has(r)).sort(), [], 'served but not documented');
    assert.deepEqual([...documented].filter((r) => !code.has(r)).sort(), [], 'documented but not served');
  });

  it('describes request bodies with the schemas the routes validate with', async () => {
    const register = doc.paths['/api/workers/register'].post.requestBody.content['application/json'];
    assert.deepEqual(register.schema.required.sort(), ['hostname', 'workerId']);
    assert.equal(register.example.workerId, 'worker-abc123', "the seed's example");
    const create = doc.paths['/api/jobs/create'].post.requestBody.content['application/json'].schema;
    assert.equal(create.properties.timeoutSeconds.maximum, 7 * 24 * 3600);
    // The schema says what the route does: a body the document calls invalid is refused.
    const res = await c.api('POST', '/api/jobs/create', {
      body: { command: 'x', fileUrl: 'http://f.invalid/a.zip', filename: 'a.zip', timeoutSeconds: create.properties.timeoutSeconds.maximum + 1 },
    });
    assert.equal(res.status, 400);
  });
});
