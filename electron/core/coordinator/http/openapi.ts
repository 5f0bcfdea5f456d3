/**
 * GET /api/openapi.json: an OpenAPI 3.1 document generated from the endpoint table (shared/endpoints):
 * request bodies and answers are the very zod schemas the routes validate with and the clients parse
 * with, so the document cannot drift from what the code accepts and answers.
 */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { APP_VERSION } from '../../../../shared/api.ts';
import { ENDPOINTS, OPERATION_IDS } from '../../../../shared/endpoints/index.ts';
import { operation } from './openapi-operation.ts';

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const id of OPERATION_IDS) {
    const e = ENDPOINTS[id];
    paths[e.path] = { ...paths[e.path], [e.method]: operation(id, e) };
  }
  cached = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'CMD Executor coordinator',
      version: APP_VERSION,
      description: "The seed's Phase 2 API plus CMD Executor's own endpoints.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // The coordinator that serves this document: each lab has its own address.
    servers: [{ url: '/', description: 'this coordinator' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  });
  return cached;
}
