/** The policies table: the lab's default and overrides per tag and per worker; a worker follows the most specific one. */
import type { SqlStatement } from '../sql.ts';
import { DEFAULT_POLICY, type WorkerPolicy } from '../../../../../shared/policy.ts';
import type { Database } from '../sql.ts';
import { text } from '../row.ts';

export type PolicyScope = { kind: 'lab' } | { kind: 'tag'; tag: string } | { kind: 'worker'; workerId: string };

export function scopeKey(scope: PolicyScope): string {
  return scope.kind === 'lab' ? 'lab' : scope.kind === 'tag' ? `tag:${scope.tag}` : `worker:${scope.workerId}`;
}

export class PolicyRepository {
  readonly #all: SqlStatement;
  readonly #set: SqlStatement;
  readonly #clear: SqlStatement;
  /** Read on every heartbeat: kept in memory, refreshed on every change. */
  #cache: Map<string, WorkerPolicy> | undefined;

  constructor(db: Database) {
    this.#all = db.prepare('SELECT scope, policy FROM policies');
    this.#set = db.prepare('INSERT INTO policies (scope, policy) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET policy = excluded.policy');
    this.#clear = db.prepare('DELETE FROM policies WHERE scope = ?');
  }

  all(): Map<string, WorkerPolicy> {
    this.#cache ??= new Map(
      this.#all.all().map((row) => [text(row, 'scope'), { ...DEFAULT_POLICY, ...(JSON.parse(text(row, 'policy')) as Partial<WorkerPolicy>) }]),
    );
    return this.#cache;
  }

  set(scope: PolicyScope, policy: WorkerPolicy): void {
    this.#set.run(scopeKey(scope), JSON.stringify(policy));
    this.#cache = undefined;
  }

  clear(scope: PolicyScope): void {
    this.#clear.run(scopeKey(scope));
    this.#cache = undefined;
  }

  /** The worker's own policy, else its first tag's (by name) that has one, else the lab's, else the default. */
  effective(workerId: string, tags: string[]): WorkerPolicy {
    const all = this.all();
    const own = all.get(`worker:${workerId}`);
    if (own) return own;
    for (const tag of [...tags].sort()) {
      const byTag = all.get(`tag:${tag}`);
      if (byTag) return byTag;
    }
    return all.get('lab') ?? DEFAULT_POLICY;
  }
}
