/** The agent's power control wired: the idle source decides "in use", the notice goes to the state the tray and page show, no job is taken meanwhile, and the running job ends before the command. */
import type { Availability } from '../../../shared/policy.ts';
import type { AgentState } from '../../../shared/worker-view.ts';
import type { WorkerEndReason } from '../../../shared/job-status.ts';
import type { Logger } from '../logger.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import type { AgentLoop } from './agent-loop.ts';
import type { AgentStateHolder } from './agent-state.ts';
import type { PolicyWatch } from './policy-watch.ts';
import { PowerControl } from './power.ts';

/** How long the running job may take to stop and be reported before the command runs anyway. */
const JOB_END_MS = 10_000;

export interface AgentPowerParts {
  agent: {
    on(event: 'state', listener: (state: AgentState) => void): unknown;
    off(event: 'state', listener: (state: AgentState) => void): unknown;
    cancelCurrent(reason: string, cause: WorkerEndReason): void;
  };
  options: WorkerAgentOptions;
  logger: Logger;
  policy: PolicyWatch;
  state: () => AgentStateHolder;
  loop: () => AgentLoop;
  beatNow: () => void;
  /** Whether the PC may take a job now (the power action first, then the policy), and why not. */
  availability: () => Availability;
}

export function agentPowerControl(p: AgentPowerParts): PowerControl {
  return new PowerControl({
    logger: p.logger,
    command: p.options.powerCommand,
    inUse: () => p.policy.inUseNow(),
    onReport: () => p.beatNow(),
    onNotice: (notice) => {
      p.state().update({ powerNotice: notice, waiting: p.availability().reason });
      if (notice && !p.state().current.currentJob) p.loop().leavePoll(); // no job may arrive now
      if (!notice) p.loop().wake();
    },
    beforeCommand: () => endRunningJob(p),
  });
}

/** The running job is cancelled and waited for (its report goes to the outbox: sent now, or once the PC is back), for JOB_END_MS at most. */
function endRunningJob(p: AgentPowerParts): Promise<void> {
  if (!p.state().current.currentJob) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      p.agent.off('state', onState);
      resolve();
    };
    const onState = (state: AgentState) => state.currentJob || done();
    const timer = setTimeout(done, JOB_END_MS);
    p.agent.on('state', onState);
    p.agent.cancelCurrent("The lab's admin asked this PC to shut down, restart or log off.", 'worker_shutdown');
  });
}
