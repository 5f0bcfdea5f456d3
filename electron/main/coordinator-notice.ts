/**
 * The coordinator PC's desktop notices: a run finished, a job outside a run failed, a worker went
 * offline, a schedule was missed. The same events the webhooks get, from the coordinator's notifier.
 */
import { END_REASON_TEXT, type EndReason } from '../../shared/job-status.ts';
import type { Notice } from '../core/coordinator/notify/summaries.ts';
import type { NoticeText } from './job-notice.ts';

/** What emits the notices: the running coordinator's notifier. */
export interface NoticeSource {
  onNotification(listener: (notice: Notice) => void): () => void;
}

/** The Electron pieces a notice needs, passed in so tests can use fakes. */
export interface CoordinatorNoticeDeps {
  /** Electron's `Notification.isSupported()`. */
  supported(): boolean;
  show(notice: NoticeText): void;
}

function plural(n: number, word: string): string {
  return `${n} ${word}`;
}

/** The title and sentence a notice shows for one event. */
export function coordinatorNoticeText(notice: Notice): NoticeText {
  switch (notice.event) {
    case 'run.finished': {
      const { name, command, counts } = notice.summary;
      const parts = [plural(counts.passed, 'passed'), plural(counts.failed, 'failed')];
      if (counts.cancelled) parts.push(plural(counts.cancelled, 'cancelled'));
      return { title: 'Run finished', body: `${name ?? command ?? 'A run'}: ${parts.join(', ')} (of ${counts.total}).` };
    }
    case 'job.failed': {
      const { command, filename, workerName, status, exitCode, endReason, errorMessage } = notice.summary;
      const why =
        status === 'completed'
          ? `exit code ${exitCode}`
          : endReason && endReason in END_REASON_TEXT
            ? END_REASON_TEXT[endReason as EndReason]
            : (errorMessage ?? 'it could not run');
      return { title: 'Job failed', body: `${command || filename}${workerName ? ` on ${workerName}` : ''}: ${why}` };
    }
    case 'worker.offline':
      return { title: 'Worker offline', body: `${notice.summary.name} stopped answering the coordinator.` };
    case 'schedule.missed':
      return { title: 'Schedule missed', body: `"${notice.summary.template}" did not start when it was due.` };
  }
}

/** Shows a notice for each event where notifications are supported; returns the unsubscribe. */
export function watchCoordinatorNotices(source: NoticeSource, deps: CoordinatorNoticeDeps): () => void {
  return source.onNotification((notice) => {
    if (deps.supported()) deps.show(coordinatorNoticeText(notice));
  });
}
