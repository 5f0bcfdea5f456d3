/**
 * Routes come from the endpoint table (shared/endpoints): a router module gives handlers by operationId,
 * and mountEndpoints registers each table row at its method and path. A handler for an operation the
 * table lacks does not type-check, and a row without a handler stops the coordinator at startup.
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { ENDPOINTS, OPERATION_IDS, type OperationId } from '../../../../shared/endpoints/index.ts';
import { authorize } from './auth.ts';

export class RouteHandlers {
  readonly byOperation = new Map<OperationId, RequestHandler[]>();

  /** The handlers of one operation of the table (middleware first). */
  on(operation: OperationId, ...handlers: RequestHandler[]): void {
    if (this.byOperation.has(operation)) throw new Error(`Two handlers for ${operation}`);
    this.byOperation.set(operation, handlers);
  }

  static merge(all: RouteHandlers[]): RouteHandlers {
    const merged = new RouteHandlers();
    for (const part of all) for (const [operation, handlers] of part.byOperation) merged.on(operation, ...handlers);
    return merged;
  }
}

/** `/uploads/{name}` → `/uploads/:name`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Registers the table's rows that `select` picks, in table order. Call it once for the rows anyone may
 * call (before authentication) and once for the rest; together they must cover the table.
 */
export function mountEndpoints(
  app: express.Express,
  routes: RouteHandlers,
  select: (who: string) => boolean,
  wrap: (path: string, handler: RequestHandler) => RequestHandler = (_path, handler) => handler,
): OperationId[] {
  const mounted: OperationId[] = [];
  for (const operation of OPERATION_IDS) {
    const endpoint = ENDPOINTS[operation];
    if (!select(endpoint.who)) continue;
    const handlers = routes.byOperation.get(operation);
    if (!handlers) throw new Error(`The endpoint table holds ${operation} (${endpoint.method} ${endpoint.path}) but no route serves it.`);
    // The row's `who` is checked before anything else runs; the last handler (the endpoint's own) runs audited.
    const guard = endpoint.who === 'anyone' ? [] : [authorize(endpoint.who)];
    const last = handlers.at(-1)!;
    app[endpoint.method](expressPath(endpoint.path), ...guard, ...handlers.slice(0, -1), wrap(endpoint.path, last));
    mounted.push(operation);
  }
  return mounted;
}
