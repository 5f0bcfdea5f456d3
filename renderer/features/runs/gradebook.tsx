/**
 * A grading run's gradebook: a row per student (each zip's latest attempt) with verdict, points,
 * tests, duration and first failing test; sortable by each column, filtered by name and verdict, one
 * tab stop (arrows move, Enter opens the log); a comment per student, re-runs (one, the failing,
 * everyone with new hidden tests), and the feedback and grade files to download. Cards on a phone.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { RunJobRow } from '../../../shared/api.ts';
import { VERDICT_WORDS, VERDICTS } from '../../../shared/verdict.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { navigate } from '../../lib/navigate.ts';
import { useCan } from '../../lib/session-context.tsx';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import { CommentDialog } from './comment-dialog.tsx';
import { useGradebookActions, type GradebookActions, type GradeFile } from './gradebook-actions.ts';
import { GradeRowView } from './gradebook-row.tsx';
import {
  filterRows,
  gradeRows,
  isFailing,
  nextSort,
  SORT_LABELS,
  sortRows,
  type GradeRow,
  type Sort,
  type SortKey,
  type VerdictFilter,
} from './gradebook-rows.ts';
import type { ShownJob } from './latest-attempts.ts';
import { RerunFailedButton } from './run-lineage.tsx';
import { RerunTestsDialog } from './rerun-tests-dialog.tsx';

const FILES: [GradeFile, string][] = [
  ['feedback', 'Feedback (zip)'],
  ['moodle', 'Moodle CSV'],
  ['canvas', 'Canvas CSV'],
  ['csv', 'CSV'],
];

export function Gradebook({ runId, rows, own, reload }: { runId: string; rows: readonly ShownJob[]; own: readonly RunJobRow[]; reload: () => void }) {
  const actions = useGradebookActions(runId, reload);
  const all = useMemo(() => gradeRows(rows, own), [rows, own]);
  const [sort, setSort] = useState<Sort>({ key: 'student', dir: 'ascending' });
  const [text, setText] = useState('');
  const [verdict, setVerdict] = useState<VerdictFilter>('all');
  const [editing, setEditing] = useState<GradeRow | null>(null);
  const [newTests, setNewTests] = useState(false);
  const shown = useMemo(() => sortRows(filterRows(all, text, verdict), sort), [all, text, verdict, sort]);
  const failing = all.filter(isFailing);
  const reruns = useCan('postRunsRerun');

  return (
    <section className="card gradebook" aria-labelledby="gradebook-title">
      <div className="gradebook-head">
        <h2 id="gradebook-title">
          Gradebook <span className="muted small">{averageText(all)}</span>
        </h2>
        <div className="actions" role="group" aria-label="Download">
          {FILES.map(([file, label]) => (
            <button key={file} type="button" className="secondary small" disabled={actions.busy} onClick={() => actions.download(file)}>
              <Icon name="down" /> {label}
            </button>
          ))}
        </div>
      </div>
      <Filters text={text} onText={setText} verdict={verdict} onVerdict={setVerdict} shown={shown.length} total={all.length}>
        <SortChoice sort={sort} onSort={setSort} />
      </Filters>
      {reruns && (
        <div className="actions gradebook-reruns">
          {failing.length > 0 && (
            <RerunFailedButton
              failed={failing.length}
              busy={actions.busy}
              onConfirm={() =>
                actions.rerun(
                  failing.map((r) => r.ownJobId),
                  `the ${failing.length} failing ${failing.length === 1 ? 'student' : 'students'}`,
                )
              }
            />
          )}
          <button type="button" className="secondary" disabled={actions.busy} onClick={() => setNewTests(true)}>
            Re-run all with new hidden tests…
          </button>
        </div>
      )}
      <Notice actions={actions} />
      {shown.length === 0 ? (
        <EmptyState title="No student matches">Clear the search or pick another verdict.</EmptyState>
      ) : (
        <GradeTable rows={shown} sort={sort} onSort={(key) => setSort(nextSort(sort, key))} actions={actions} onComment={setEditing} />
      )}
      {editing && (
        <CommentDialog
          student={editing.student}
          comment={editing.comment}
          onSave={(comment) => actions.comment(editing.job.jobId, comment)}
          onClose={() => setEditing(null)}
        />
      )}
      {newTests && <RerunTestsDialog students={all.length} onRerun={actions.rerunWithTests} onClose={() => setNewTests(false)} />}
    </section>
  );
}

/** "4 students · average 6.3 / 10 points". */
function averageText(rows: readonly GradeRow[]): string {
  const graded = rows.filter((r) => r.job.points !== null);
  const students = `${rows.length} ${rows.length === 1 ? 'student' : 'students'}`;
  if (graded.length === 0) return students;
  const average = graded.reduce((n, r) => n + r.job.points!, 0) / graded.length;
  const most = Math.max(...graded.map((r) => r.job.maxPoints ?? 0));
  return `${students} · average ${Math.round(average * 10) / 10} / ${most} points`;
}

function Filters(props: {
  text: string;
  onText: (t: string) => void;
  verdict: VerdictFilter;
  onVerdict: (v: VerdictFilter) => void;
  shown: number;
  total: number;
  children: ReactNode;
}) {
  return (
    <div className="inline-fields gradebook-filters">
      <label>
        Find a student
        <input type="search" value={props.text} onChange={(e) => props.onText(e.target.value)} placeholder="Name, id or zip" />
      </label>
      <label>
        Verdict
        <select value={props.verdict} onChange={(e) => props.onVerdict(e.target.value as VerdictFilter)} data-testid="verdict-filter">
          <option value="all">All</option>
          {VERDICTS.map((v) => (
            <option key={v} value={v}>
              {VERDICT_WORDS[v]}
            </option>
          ))}
          <option value="unfinished">Not finished</option>
        </select>
      </label>
      {props.children}
      <span className="muted small" role="status" data-testid="gradebook-count">
        {props.shown === props.total ? `${props.total} shown` : `${props.shown} of ${props.total} shown`}
      </span>
    </div>
  );
}

/** On a phone, where the table's header is hidden (cards): the column to sort by, and its direction. */
function SortChoice({ sort, onSort }: { sort: Sort; onSort: (sort: Sort) => void }) {
  return (
    <span className="sort-choice">
      <label>
        Sort by
        <select value={sort.key} onChange={(e) => onSort(nextSort(sort, e.target.value as SortKey))}>
          {SORTED.map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="secondary small"
        onClick={() => onSort(nextSort(sort, sort.key))}
        aria-label={`${sort.dir === 'ascending' ? 'Ascending' : 'Descending'}: reverse the order`}
      >
        <Icon name={sort.dir === 'ascending' ? 'up' : 'down'} /> {sort.dir === 'ascending' ? 'Ascending' : 'Descending'}
      </button>
    </span>
  );
}

function Notice({ actions }: { actions: GradebookActions }) {
  const { notice } = actions;
  if (!notice) return null;
  return (
    <p className={notice.failed ? 'error' : 'notice'} role={notice.failed ? 'alert' : 'status'} data-testid="gradebook-notice">
      {notice.text}
      {notice.runId && (
        <>
          {' '}
          <a href={`#/runs/${notice.runId}`}>Open the new run</a>
        </>
      )}
    </p>
  );
}

const SORTED: SortKey[] = ['student', 'verdict', 'points', 'tests', 'duration', 'failure'];

function GradeTable(props: { rows: GradeRow[]; sort: Sort; onSort: (key: SortKey) => void; actions: GradebookActions; onComment: (row: GradeRow) => void }) {
  const { rows, sort, actions } = props;
  // One tab stop for the whole list; Enter on a row opens the student's log.
  const roving = useRovingRows((row) => row.dataset.job && navigate(`#/jobs/${row.dataset.job}`));
  const rerun = (row: GradeRow) => actions.rerun([row.ownJobId], row.student);
  return (
    <table className="table cards gradebook-table" data-testid="gradebook">
      <thead>
        <tr>
          {SORTED.map((key) => (
            <th key={key} scope="col" aria-sort={sort.key === key ? sort.dir : undefined}>
              <button type="button" className="sort-button" onClick={() => props.onSort(key)}>
                {SORT_LABELS[key]}
                {sort.key === key && <Icon name={sort.dir === 'ascending' ? 'up' : 'down'} />}
              </button>
            </th>
          ))}
          <th scope="col">Comment</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody ref={roving}>
        {rows.map((row) => (
          <GradeRowView key={row.job.jobId} row={row} busy={actions.busy} onComment={props.onComment} onRerun={rerun} />
        ))}
      </tbody>
    </table>
  );
}
