/**
 * Checks the audit log's chain from the checkpoint retention left: each row's link is the hash of the row before it,
 * its own hash is recomputed from its content, its number follows the one before, and the last row is the head
 * audit_chain names. An edited row fails its hash; a removed one breaks a link or the numbering; a removed tail
 * misses the head. Someone who can rewrite the whole database can rewrite the chain too: keep the head hash it
 * prints somewhere else (a printout, another machine) to prove later that nothing before it changed.
 */
import type { Store } from '../state/store.ts';
import { auditHash } from '../state/repositories/audit.ts';

export interface AuditVerdict {
  ok: boolean;
  rows: number;
  firstBad: number | null;
  problem: string | null;
  headHash: string;
  headSeq: number;
  anchorSeq: number;
}

const BATCH = 2000;

export function verifyAudit(store: Store): AuditVerdict {
  const chain = store.audit.chain();
  let prevSeq = chain.anchorSeq;
  let prevHash = chain.anchorHash;
  let rows = 0;
  const verdict = (firstBad: number | null, problem: string | null): AuditVerdict => ({
    ok: problem === null,
    rows,
    firstBad,
    problem,
    headHash: chain.headHash,
    headSeq: chain.headSeq,
    anchorSeq: chain.anchorSeq,
  });
  for (;;) {
    const batch = store.audit.batch(prevSeq, BATCH);
    for (const row of batch) {
      if (row.seq !== prevSeq + 1) return verdict(prevSeq + 1, `row ${prevSeq + 1} is missing (the next row is ${row.seq})`);
      if (row.prevHash !== prevHash) return verdict(row.seq, `row ${row.seq} does not follow row ${prevSeq}: a row before it was changed, removed or inserted`);
      if (auditHash(row.prevHash, row.seq, row) !== row.hash) return verdict(row.seq, `row ${row.seq} was edited: its content does not match its hash`);
      prevSeq = row.seq;
      prevHash = row.hash;
      rows++;
    }
    if (batch.length < BATCH) break;
  }
  if (prevSeq !== chain.headSeq || prevHash !== chain.headHash) {
    return verdict(prevSeq + 1, `the log ends at row ${prevSeq}, but row ${chain.headSeq} was written: rows at the end were removed`);
  }
  return verdict(null, null);
}
