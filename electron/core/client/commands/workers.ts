/** `cmdx workers`: every worker, its status, tags and current job. */
import type { WorkerDto } from '../../../../shared/api.ts';
import { WORKERS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { plainStrings } from '../job-output.ts';
import { printJson } from '../output.ts';
import { escapeCodes, formatTime, paint, table, type Paint, type Terminal } from '../render.ts';
import { openClient } from '../session.ts';

export async function workersCommand(args: string[], term: Terminal): Promise<number> {
  const { values } = parseCommandLine(WORKERS_OPTIONS, args, { min: 0, max: 0, what: 'arguments' }, term.env);
  const api = openClient(values, term);
  try {
    const answer = await api.call('getWorkersRegister');
    if (values.json) {
      printJson(term.out, answer);
      return 0;
    }
    if (answer.workers.length === 0) {
      term.out.write('No workers yet: start one on each PC with "cmdx worker --join LINE" (the dashboard shows the line, "Add a worker").\n');
      return 0;
    }
    const p = paint(escapeCodes(term.out, term.env));
    const rows = plainStrings(answer.workers).map((w) => [
      w.name,
      w.workerId,
      workerState(w, p),
      w.tags.join(',') || '-',
      w.currentJobId ?? '-',
      w.os ?? '-',
      formatTime(w.lastHeartbeat),
    ]);
    term.out.write(table([['NAME', 'ID', 'STATUS', 'TAGS', 'JOB', 'OS', 'LAST SEEN'], ...rows]));
    return 0;
  } finally {
    api.close();
  }
}

function workerState(w: WorkerDto, p: Paint): string {
  const paused = w.pausedByAdmin || w.paused ? ' (paused)' : '';
  if (w.status === 'offline') return p.red(`offline${paused}`);
  if (w.status === 'busy') return p.yellow(`busy${paused}`);
  return p.green(`idle${paused}`);
}
