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

export function windowsConfinement(workDir: string): WindowsConfinement {
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
  const account = WindowsJobAccount.open(workDir);
  if ('unavailable' in account) return { jobObjects: true, account: undefined, notes: [account.unavailable] };
  return { jobObjects: true, account, notes: [] };
}
