/** `--on all|tag:NAME[,NAME]|worker:ID[,ID]` as the run's target (the API's `{tags}` / `{workers}`, none for all). */
import { parseTagList, WORKER_ID_PATTERN, type JobTarget } from '../../../shared/api.ts';
import { UsageError } from '../options/parse-options.ts';

/** The run's target; null for every worker. */
export function parseOn(text: string): JobTarget | null {
  const value = text.trim();
  if (value === 'all') return null;
  const colon = value.indexOf(':');
  const kind = colon === -1 ? '' : value.slice(0, colon);
  const list = value.slice(colon + 1);
  if (kind === 'tag' || kind === 'tags') {
    let tags: string[];
    try {
      tags = parseTagList(list);
    } catch (error) {
      throw new UsageError(`--on ${value}: ${(error as Error).message}`);
    }
    if (tags.length === 0) throw new UsageError('--on tag: needs a tag, e.g. --on tag:room-b.');
    return { tags };
  }
  if (kind === 'worker' || kind === 'workers') {
    const workers = [
      ...new Set(
        list
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean),
      ),
    ];
    const bad = workers.find((w) => !WORKER_ID_PATTERN.test(w));
    if (bad !== undefined) throw new UsageError(`--on ${value}: "${bad.slice(0, 80)}" is not a worker id ("cmdx workers" lists them).`);
    if (workers.length === 0) throw new UsageError('--on worker: needs a worker id, e.g. --on worker:pc-01,pc-02.');
    return { workers };
  }
  throw new UsageError(`--on must be all, tag:NAME[,NAME] (PCs with every tag) or worker:ID[,ID] (got "${value.slice(0, 80)}").`);
}
