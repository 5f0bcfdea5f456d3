/**
 * What confines a job on a Windows worker: a Job Object per job when the PC gives one, and the job
 * account when the worker runs as a service or an administrator (it needs the Job Object: a process
 * started as the account is let run only once it is in the job's Job Object). What is missing is
 * said in Windows words.
 */
import { WindowsJobAccount } from '../runner/windows/job-account.ts';
import { WindowsJobObject } from '../runner/windows/job-object.ts';

export interface WindowsConfinement {
  jobObjects: boolean;
  account: WindowsJobAccount | undefined;
  notes: string[];
}

/**
 * A service or administrator worker without a job account would give every job its rights (any job
 * then owns the PC): it does not start unless told to (--unsafe-jobs-as-root), as a root worker on Linux.
 */
export function windowsConfinement(workDir: string, allowPrivilegedJobs: boolean): WindowsConfinement {
  const confinement = confine(workDir);
  if (!confinement.account && WindowsJobAccount.workerIsPrivileged() && !allowPrivilegedJobs) {
    throw new Error(
      `Jobs would run with this worker's rights (a service or an administrator): ${confinement.notes.join('; ')}. Fix the job account, or accept the risk with --unsafe-jobs-as-root.`,
    );
  }
  return confinement;
}

function confine(workDir: string): WindowsConfinement {
  const probe = WindowsJobObject.create();
  if ('unavailable' in probe) {
    return {
      jobObjects: false,
      account: undefined,
      notes: [
        `no Job Object per job (${probe.unavailable}): a stop relies on taskkill /T, which misses processes whose parent has exited, no memory limit applies, and a job cannot be suspended while the PC is in use (a "suspend" policy lets it finish instead)`,
        "jobs run as the worker's own Windows account: a job can read what that account can",
      ],
    };
  }
  probe.close();
  const notes = probe.uiRestricted
    ? []
    : ['a job is not kept from other windows, the clipboard and logoff or shutdown (Windows refused the Job Object its UI limits)'];
  const account = WindowsJobAccount.open(workDir);
  if ('unavailable' in account) return { jobObjects: true, account: undefined, notes: [...notes, account.unavailable] };
  return { jobObjects: true, account, notes };
}
