/**
 * Tells the person at this PC when a lab job starts on it: one system notification, only when the
 * lab's policy has notices on and somebody is actually there (no notice piles up in an empty room).
 */
import type { JobSummary } from '../../shared/worker-view.ts';
import type { IdleSource } from '../core/worker/idle-source.ts';

/** Keyboard or mouse used within this many seconds: somebody is at the PC. */
export const PRESENT_SECONDS = 60;
const MAX_COMMAND_CHARS = 100;

export interface NoticeText {
  title: string;
  body: string;
}

/** The Electron pieces a notice needs, passed in so tests can use fakes. */
export interface NoticeDeps {
  idle: IdleSource;
  /** Electron's `Notification.isSupported()`. */
  supported(): boolean;
  show(notice: NoticeText): void;
}

/** What emits job starts: the worker agent. */
export interface JobStarts {
  on(event: 'job-started', listener: (job: JobSummary, notice: boolean) => void): unknown;
  off(event: 'job-started', listener: (job: JobSummary, notice: boolean) => void): unknown;
}

/** "CMD Executor is running a job for the lab: npm test" (the job's first command line, shortened). */
export function noticeText(job: Pick<JobSummary, 'command'>): NoticeText {
  const first = job.command
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find(Boolean);
  const command = first && first.length > MAX_COMMAND_CHARS ? `${first.slice(0, MAX_COMMAND_CHARS - 1)}…` : first;
  return { title: 'CMD Executor', body: command ? `CMD Executor is running a job for the lab: ${command}` : 'CMD Executor is running a job for the lab.' };
}

/** Whether to tell: the lab wants it and somebody is at the PC (when the PC cannot tell, telling is harmless). */
export function shouldNotice(notice: boolean, idleSeconds: number | null): boolean {
  return notice && (idleSeconds === null || idleSeconds < PRESENT_SECONDS);
}

/** Shows a notice for each job start that calls for one; returns the unsubscribe. */
export function watchJobNotices(agent: JobStarts, deps: NoticeDeps): () => void {
  const onStart = (job: JobSummary, notice: boolean) => {
    if (shouldNotice(notice, deps.idle.idleSeconds()) && deps.supported()) deps.show(noticeText(job));
  };
  agent.on('job-started', onStart);
  return () => void agent.off('job-started', onStart);
}
