/** The endpoint table, the routes and the OpenAPI document: the app serves exactly the table, the document is the table, valid and lint-clean. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import express from 'express';
import { ENDPOINTS } from '../../../shared/endpoints/index.ts';
import { createApp } from '../../../electron/core/coordinator/http/app.ts';
import { mountEndpoints, RouteHandlers } from '../../../electron/core/coordinator/http/endpoint-routes.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';

/** Every route the coordinator's Express app serves, as "get /path" (OpenAPI path style), read from the app itself. */
function servedRoutes(app: express.Express): Set<string> {
  const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  const found = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) found.add(`${method} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
  }
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

  it('serves every row of the endpoint table and nothing else, and documents exactly the table', () => {
    const table = new Set(Object.values(ENDPOINTS).map((e) => `${e.method} ${e.path}`));
    const served = servedRoutes(createApp(c.context));
    assert.deepEqual([...served].filter((r) => !table.has(r)).sort(), [], 'served but not in the endpoint table');
    assert.deepEqual([...table].filter((r) => !served.has(r)).sort(), [], 'in the endpoint table but not served');
    const documented = new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    assert.deepEqual([...documented].sort(), [...table].sort(), 'the document is the table');
    // The check can fail: a route added by hand, outside the table, shows up.
    const app = createApp(c.context);
    app.get('/api/not-in-the-table', (_req, res) => void res.end());
    assert.ok(servedRoutes(app).has('get /api/not-in-the-table'));
  });

  it('stops the coordinator at startup when a row of the table has no handler', () => {
    const app = express();
    assert.throws(() => mountEndpoints(app, new RouteHandlers(), () => true), /The endpoint table holds getHealth .* but no route serves it/);
  });

  it('documents each refusal an operation gives, with its reason, and typed answers', () => {
    const artifacts = doc.paths['/api/jobs/artifacts'].post.responses;
    assert.match(artifacts['507'].description, /artifacts_quota/);
    assert.match(artifacts['507'].description, /disk_full/);
    assert.match(artifacts['409'].description, /upload_in_progress/);
    const status = doc.paths['/api/jobs/status'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(status, { $ref: '#/components/schemas/Job' });
    assert.ok(doc.components.schemas.Job.required.includes('workerId'), 'a job always carries workerId (null until it is taken)');
    assert.ok(doc.components.schemas.Job.required.includes('workerName'), 'and the name people call its worker by (null until it is taken)');
    assert.ok(doc.components.schemas.Job.required.includes('artifacts'));
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
