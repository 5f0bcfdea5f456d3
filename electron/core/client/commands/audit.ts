/**
 * `cmdx audit`: the audit log, newest first (who, what, when, from where, refused or not); `cmdx audit verify`
 * checks its hash chain and prints the head hash to keep elsewhere. Exit 1 when the chain is broken.
 */
import { AUDIT_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine } from '../../options/parse-options.ts';
import { oneLine } from '../describe.ts';
import { EXIT } from '../exit-codes.ts';
import { plainStrings } from '../job-output.ts';
import { printJson } from '../output.ts';
import { escapeCodes, formatTime, paint, table, type Terminal } from '../render.ts';
import { openClient } from '../session.ts';
import type { ApiClient } from '../http.ts';

export async function auditCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(AUDIT_OPTIONS, args, { min: 0, max: 1, what: '"verify", or nothing for the log' }, term.env);
  const sub = positionals[0];
  if (sub !== undefined && sub !== 'verify') throw new Error(`cmdx audit takes "verify" or nothing, not "${oneLine(sub, 40)}".`);
  const api = openClient(values, term);
  try {
    return sub === 'verify' ? await verify(api, term, values.json === true) : await list(api, term, values);
  } finally {
    api.close();
  }
}

async function verify(api: ApiClient, term: Terminal, json: boolean): Promise<number> {
  const answer = await api.call('getAuditVerify');
  if (json) printJson(term.out, answer);
  else if (answer.ok) {
    term.out.write(`The audit log is intact: ${answer.rows} rows checked${answer.anchorSeq ? ` from the checkpoint at row ${answer.anchorSeq}` : ''}.\n`);
    term.out.write(
      `Head: row ${answer.headSeq}, SHA-256 ${answer.headHash}\nKeep this line somewhere else: if the log is ever rewritten, its head will differ.\n`,
    );
  } else {
    const p = paint(escapeCodes(term.err, term.env));
    term.err.write(p.red(`The audit log is BROKEN at row ${answer.firstBad}: ${answer.problem}.\n`));
    term.err.write("Someone with access to the coordinator's data folder changed it; compare with your backups and the head hash you kept.\n");
  }
  return answer.ok ? EXIT.ok : EXIT.failed;
}

async function list(
  api: ApiClient,
  term: Terminal,
  values: { actor?: string; action?: string; since?: string; limit?: number; json?: boolean },
): Promise<number> {
  const answer = await api.call('getAudit', { query: { actor: values.actor, action: values.action, since: values.since, limit: values.limit } });
  if (values.json) {
    printJson(term.out, answer);
    return EXIT.ok;
  }
  if (answer.entries.length === 0) {
    term.out.write('No audit rows match.\n');
    return EXIT.ok;
  }
  const p = paint(escapeCodes(term.out, term.env));
  // Names and targets came from requests: a student's sign-in attempt may hold escape codes, so they are shown plain.
  const rows = plainStrings(answer.entries).map((e) => [
    formatTime(Date.parse(e.at)),
    oneLine(`${e.actor}${e.role ? ` (${e.role})` : ''}`, 30),
    oneLine(e.address ?? '', 40),
    oneLine(e.action, 30),
    oneLine(e.targets.join(' '), 40),
    e.outcome === 'ok' ? 'ok' : p.red(`refused: ${e.reason ?? ''}`),
  ]);
  term.out.write(table([['TIME', 'WHO', 'FROM', 'ACTION', 'TARGET', 'OUTCOME'], ...rows]));
  if (answer.nextBefore !== null) term.out.write(`Older rows exist (--limit N for more, or GET /api/audit?before=${answer.nextBefore}).\n`);
  return EXIT.ok;
}
