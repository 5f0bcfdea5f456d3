/**
 * Keeps memory bounded while a command streams output. Each pipe read allocates a fresh buffer that
 * becomes garbage at once, but V8 collects such off-heap garbage only after tens of megabytes pile up:
 * 200 MB of output drove a worker past 200 MB RSS. A full collection every 4 MB of output (a few ms
 * on a worker's small heap; 142 -> 123 MB peak for 200 MB of output) keeps it near its baseline.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

function collector(): () => void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  return collect;
}

/** Returns a counter: feed it the bytes read; it collects garbage after every `everyBytes`. */
export function garbageBudget(everyBytes = 4 * 1024 * 1024): (bytes: number) => void {
  let sinceLast = 0;
  return (bytes) => {
    sinceLast += bytes;
    if (sinceLast < everyBytes) return;
    sinceLast = 0;
    collector()();
  };
}
