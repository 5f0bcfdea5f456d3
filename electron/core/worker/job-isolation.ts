/**
 * What keeps a job away from the worker and from the next job: a jobs folder outside the worker's
 * own 0700 work dir, a fresh HOME and temp folder per job, the allow-listed
 * environment, the job account (when the worker is root) and a cgroup per job (Linux) or a Job
 * Object per job (Windows), with optional memory and process limits. What is not available here is
 * said once, at start, in the words of the PC's own system.
 */
import { chmodSync, existsSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { denyScheduling, killEveryProcessOf, mtimeOf, removeFilesOf, SHARED_TEMPS } from './job-account-cleanup.ts';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { safeSegment } from '../paths.ts';
import { JobCgroups, type JobCgroup } from '../runner/cgroup.ts';
import { namespacesUnavailable, startJobNamespace, type JobNamespace } from '../runner/job-namespace.ts';
import type { JobSandbox } from '../runner/executor.ts';
import { jobEnvironment, windowsProfile } from '../runner/job-env.ts';
import { WindowsJobObject } from '../runner/windows/job-object.ts';
import { WINDOWS_JOB_ACCOUNT, type WindowsJobAccount } from '../runner/windows/job-account.ts';
import { windowsConfinement } from './windows-isolation.ts';
import { resolveJobUser, type JobUser } from '../runner/job-user.ts';

export interface IsolationOptions {
  workDir: string;
  /** Run jobs as this account (default when root: cmdx-job). */
  runAs?: string;
  memoryMb?: number;
  maxProcs?: number;
  /** A root worker that cannot get a job account runs jobs as root only when told to (--unsafe-jobs-as-root). */
  allowRootJobs?: boolean;
  logger: Logger;
}

export interface PreparedJob {
  /** The job's own folder (the zip is extracted into `filesDir`). */
  jobDir: string;
  filesDir: string;
  sandbox: JobSandbox;
  /** Hands the extracted files to the job account (when there is one). */
  handOver(): void;
  /** Kills what is left of the job and removes its folders. */
  finish(): Promise<void>;
}

/** What a job is confined by on this worker, for the log and the dashboard. */
export interface IsolationSummary {
  jobUser: string | null;
  cgroup: boolean;
  /** Windows: each job in its own Job Object. */
  jobObject: boolean;
  /** Whether a job can be frozen while the PC's user is back (else a `suspend` policy lets it finish). */
  canSuspend: boolean;
  notes: string[];
}

export class JobIsolation {
  readonly jobsRoot: string;
  readonly summary: IsolationSummary;
  readonly #user: JobUser | undefined;
  readonly #cgroups: JobCgroups | undefined;
  /** Windows: whether this PC gives each job a Job Object, and the job account (a service or an administrator). */
  readonly #jobObjects: boolean;
  readonly #windowsAccount: WindowsJobAccount | undefined;
  readonly #limits: { memoryMb?: number; maxProcs?: number };
  readonly #logger: Logger;
  readonly #setpriv = existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv');
  /** Whether each job gets its own PID and mount namespaces (a root worker on Linux with util-linux). */
  readonly #namespaces: boolean;
  readonly #cgroupSlot: string;

  constructor(options: IsolationOptions) {
    const notes: string[] = [];
    const windows = process.platform === 'win32';
    if (windows && options.runAs)
      throw new Error(`--run-as ${options.runAs}: on Windows a worker running as a service or an administrator runs jobs as ${WINDOWS_JOB_ACCOUNT}.`);
    // Windows has its own job account (windowsConfinement below).
    this.#user = windows ? undefined : posixJobUser(options, notes);
    // One slot per work dir: a restarted worker finds its own leftovers, and never another worker's jobs.
    this.#cgroupSlot = `worker-${createHash('sha256').update(options.workDir).digest('hex').slice(0, 12)}`;
    const cgroups = windows ? undefined : JobCgroups.open(this.#cgroupSlot);
    this.#cgroups = !cgroups || 'unavailable' in cgroups ? undefined : cgroups;
    if (cgroups && 'unavailable' in cgroups)
      notes.push(`no cgroup per job (${cgroups.unavailable}); jobs are stopped by process group, which setsid can escape`);
    const confinement = windows ? windowsConfinement(options.workDir, options.allowRootJobs === true) : undefined;
    this.#jobObjects = confinement?.jobObjects === true;
    this.#windowsAccount = confinement?.account;
    notes.push(...(confinement?.notes ?? []));
    const noNamespaces = this.#user ? namespacesUnavailable() : "jobs run as the worker's own user";
    this.#namespaces = noNamespaces === undefined;
    if (this.#user && noNamespaces) notes.push(`no PID or mount namespace per job (${noNamespaces}); a job sees other processes and shares /tmp`);
    if (this.#user) denyScheduling(this.#user.name, this.#user.uid, options.logger);
    this.#limits = { memoryMb: options.memoryMb, maxProcs: options.maxProcs };
    this.#logger = options.logger;
    this.jobsRoot = makeJobsRoot(options.workDir, this.#user !== undefined);
    this.#windowsAccount?.protect(this.jobsRoot);
    const canSuspend = !windows || this.#jobObjects;
    this.summary = {
      jobUser: this.#user?.name ?? this.#windowsAccount?.name ?? null,
      cgroup: this.#cgroups !== undefined,
      jobObject: this.#jobObjects,
      canSuspend,
      notes,
    };
    options.logger.info('job isolation', { jobUser: this.summary.jobUser, cgroup: this.summary.cgroup, jobObject: this.#jobObjects, jobsDir: this.jobsRoot });
    for (const note of notes) options.logger.warn(note);
  }

  /** Kills jobs a crashed worker left in their cgroups, or left running as the Windows job account. */
  async sweep(): Promise<number> {
    this.#windowsAccount?.killAll();
    return (await this.#cgroups?.sweep()) ?? 0;
  }

  /** The environment of a warm shell made before the job is known (HOME and temp are the same per job slot). */
  get baseEnv(): Record<string, string> {
    return jobEnvironment(process.env, { home: join(this.jobsRoot, 'home'), tmp: join(this.jobsRoot, 'tmp') });
  }

  /**
   * Whether a shell may wait for the next job ahead of time: it waits as the worker's user and drops to
   * the job account only inside the job's cgroup (setpriv), so no process of the job account ever waits
   * outside a job. Without setpriv, commands start one by one through the gated spawn.
   */
  get warmShellAllowed(): boolean {
    return this.#user === undefined || this.#setpriv;
  }

  /** The account a warm shell's commands drop to. */
  get dropTo(): { uid: number; gid: number } | undefined {
    return this.#user && { uid: this.#user.uid, gid: this.#user.gid };
  }

  /** The job's Job Object with its memory limit; a PC that gave one at start and refuses now cannot run the job safely. */
  #newJobObject(): WindowsJobObject {
    const jobObject = WindowsJobObject.create({ memoryMb: this.#limits.memoryMb });
    if ('unavailable' in jobObject) throw new Error(`Could not give the job its Job Object: ${jobObject.unavailable}`);
    return jobObject;
  }

  async prepare(jobId: string): Promise<PreparedJob> {
    const jobDir = join(this.jobsRoot, safeSegment(jobId));
    const home = join(this.jobsRoot, 'home');
    const tmp = join(this.jobsRoot, 'tmp');
    for (const dir of [jobDir, home, tmp]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    if (process.platform === 'win32') for (const dir of Object.values(windowsProfile(home))) mkdirSync(dir, { recursive: true });
    const jobObject = this.#jobObjects ? this.#newJobObject() : undefined;
    const user = this.#user;
    const sharedTemps = user ? SHARED_TEMPS.map((folder) => ({ folder, mtimeMs: mtimeOf(folder) })) : [];
    const cgroup: JobCgroup | undefined = this.#cgroups?.create(jobId);
    const unlimited = cgroup?.limit(this.#limits) ?? [];
    if (unlimited.length > 0) this.#logger.warn('job limits not applied: no controller for them here', { controllers: unlimited });
    let namespace: JobNamespace | undefined;
    try {
      namespace = this.#namespaces ? await startJobNamespace(this.jobsRoot) : undefined;
      if (namespace && cgroup) for (const pid of namespace.holderPids) cgroup.add(pid);
    } catch (error) {
      await namespace?.close();
      cgroup?.remove();
      throw new Error(`Could not give the job its own namespaces: ${(error as Error).message}`, { cause: error });
    }
    const sandbox: JobSandbox = {
      env: jobEnvironment(process.env, { home, tmp, jobId }),
      jobId,
      ...(user ? { user: { uid: user.uid, gid: user.gid } } : {}),
      ...(cgroup ? { cgroup } : {}),
      ...(namespace ? { namespacePid: namespace.pid } : {}),
      ...(jobObject ? { jobObject } : {}),
      ...(jobObject && this.#windowsAccount ? { windowsAccount: this.#windowsAccount } : {}),
    };
    const windowsAccount = this.#windowsAccount;
    const slot = this.#cgroupSlot;
    return {
      jobDir,
      filesDir: join(jobDir, 'files'),
      sandbox,
      handOver: () => {
        windowsAccount?.killAll(); // nothing of an earlier job may see this one's folders
        windowsAccount?.grant([jobDir, home, tmp]);
        if (!user) return;
        for (const dir of [jobDir, home, tmp]) chownTree(dir, user.uid, user.gid);
      },
      finish: async () => {
        await jobObject?.kill();
        jobObject?.close();
        windowsAccount?.killAll(); // what left the Job Object (WMI, the Task Scheduler) before its folders go
        await cgroup?.kill();
        cgroup?.remove();
        await namespace?.close(); // what is left inside dies with its PID 1, and the private temps go
        // Nothing of the job account may outlive the job (a ptrace'd or escaped process, or one that cron
        // or at started outside any cgroup): it would race the removals below, and see the next student's
        // files. Then what it left in shared temp folders goes.
        if (user) {
          await killEveryProcessOf(user.uid, slot);
          // Only folders that changed during the job can hold something it left (cheap on a quiet PC).
          await removeFilesOf(
            user.uid,
            sharedTemps.filter((t) => mtimeOf(t.folder) !== t.mtimeMs).map((t) => t.folder),
          );
        }
        await Promise.all([jobDir, home, tmp].map((dir) => rm(dir, { recursive: true, force: true })));
      },
    };
  }
}

/** The POSIX job account (cmdx-job, or --run-as), or undefined with a note saying why jobs run as the worker's user. */
function posixJobUser(options: IsolationOptions, notes: string[]): JobUser | undefined {
  const user = resolveJobUser(options.runAs);
  if (!('unavailable' in user)) return user;
  // Asked for by name, a job account that cannot be had is a reason not to start, not a warning.
  if (options.runAs) throw new Error(`--run-as ${options.runAs}: ${user.unavailable}.`);
  // As root without a job account, every student's job would be root: not without being told.
  if (process.getuid?.() === 0 && !options.allowRootJobs) {
    throw new Error(
      `Jobs would run as root: ${user.unavailable}. Create an unprivileged account and pass --run-as, or accept the risk with --unsafe-jobs-as-root.`,
    );
  }
  notes.push(user.unavailable);
  return undefined;
}

/**
 * A fresh jobs folder outside the worker's work dir (which stays 0700): made by mkdtemp, so its name
 * cannot be guessed or planted beforehand. With a job account it is 0711: the account can reach its
 * own job folder by path but list nothing. The previous run's folder, recorded in the work dir, goes.
 */
function makeJobsRoot(workDir: string, forJobAccount: boolean): string {
  const record = join(workDir, 'jobs-dir.txt');
  try {
    const previous = readFileSync(record, 'utf8').trim();
    if (previous.startsWith(join(tmpdir(), 'cmdx-jobs-'))) rmSync(previous, { recursive: true, force: true });
  } catch {
    // first start
  }
  const root = mkdtempSync(join(tmpdir(), 'cmdx-jobs-'));
  chmodSync(root, forJobAccount ? 0o711 : 0o700);
  writeFileSync(record, root, { mode: 0o600 });
  return root;
}

/**
 * chown -R that never follows a link, children before their folder: no process of the job account
 * runs yet (see finish), and it could not enter a folder before the folder is its own anyway.
 */
function chownTree(path: string, uid: number, gid: number): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
  lchownSync(path, uid, gid);
}
