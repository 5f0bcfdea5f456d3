/** One student in the gradebook: verdict (icon and word), points, tests, duration, first failing test (its message opens in full), comment, log and re-run. */
import { memo, useState } from 'react';
import { Icon } from '../../components/icons.tsx';
import { spanOf } from '../../lib/format.ts';
import { jobOutcome } from '../../lib/job-outcome.ts';
import { useCan } from '../../lib/session-context.tsx';
import type { GradeRow } from './gradebook-rows.ts';
import { isLaterAttempt } from './latest-attempts.ts';

const SHORT = 90;

/** 2.5 → "2.5", 10 → "10". */
function pointsText(points: number | null): string {
  return points === null ? '?' : String(Math.round(points * 100) / 100);
}

export const GradeRowView = memo(function GradeRowView({
  row,
  busy,
  onComment,
  onRerun,
}: {
  row: GradeRow;
  busy: boolean;
  onComment: (row: GradeRow) => void;
  onRerun: (row: GradeRow) => void;
}) {
  const { job } = row;
  const look = jobOutcome(job);
  const reruns = useCan('postRunsRerun');
  return (
    <tr data-job={job.jobId} data-verdict={job.verdict ?? 'unfinished'}>
      <td data-label="Student" className="student-cell">
        <strong data-testid="grade-student">{row.student}</strong>
        <div className="muted small">
          {row.studentId && `${row.studentId} · `}
          {job.filename}
          {isLaterAttempt(job) && ' · re-run'}
        </div>
      </td>
      <td data-label="Verdict">
        <span className={`badge badge-${look.key}`} data-testid="grade-verdict">
          <Icon name={look.icon} /> {look.label}
        </span>
        {job.verdict === 'error' && job.errorMessage && <div className="muted small">{job.errorMessage}</div>}
      </td>
      <td data-label="Points" className="points-cell" data-testid="grade-points">
        {job.points === null ? (
          '—'
        ) : (
          <>
            <strong>{pointsText(job.points)}</strong> / {pointsText(job.maxPoints)}
          </>
        )}
      </td>
      <td data-label="Tests" data-testid="grade-tests">
        {job.tests ? `${job.tests.passed}/${job.tests.total}` : '—'}
      </td>
      <td data-label="Duration">{spanOf(job.durationMs)}</td>
      <td data-label="First failing test" className="failure-cell" data-testid="grade-failure">
        <FirstFailure failure={job.firstFailure} student={row.student} />
      </td>
      <td data-label="Comment" className="comment-cell">
        {row.comment && <div data-testid="grade-comment">{row.comment.length > SHORT ? `${row.comment.slice(0, SHORT)}…` : row.comment}</div>}
        <button
          type="button"
          className="link small"
          onClick={() => onComment(row)}
          aria-label={`${row.comment ? 'Edit comment' : 'Add comment'} for ${row.student}`}
        >
          <Icon name="pencil" /> {row.comment ? 'Edit comment' : 'Add comment'}
        </button>
      </td>
      <td data-label="Actions" className="grade-actions">
        <a href={`#/jobs/${job.jobId}`} aria-label={`Log of ${row.student}`}>
          Log
        </a>
        {reruns && (
          <button
            type="button"
            className="secondary small"
            disabled={busy || job.verdict === null}
            onClick={() => onRerun(row)}
            aria-label={`Re-run ${row.student}`}
          >
            Re-run
          </button>
        )}
      </td>
    </tr>
  );
});

/** The test's name and its message, cut short with a button that shows it whole. */
function FirstFailure({ failure, student }: { failure: GradeRow['job']['firstFailure']; student: string }) {
  const [open, setOpen] = useState(false);
  if (!failure) return <span className="muted">—</span>;
  const message = failure.message ?? '';
  const long = message.length > SHORT || message.includes('\n');
  return (
    <div>
      <code className="failure-test">{failure.test}</code>
      {message && <div className={`failure-message ${open ? 'open' : ''}`}>{open || !long ? message : `${message.split('\n')[0]!.slice(0, SHORT)}…`}</div>}
      {long && (
        <button
          type="button"
          className="link small"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          aria-label={`${open ? 'Show less' : 'Show all'} of ${student}'s failure`}
        >
          {open ? 'Show less' : 'Show all'}
        </button>
      )}
    </div>
  );
}
