/**
 * The worker's state as the tray, the window and the local page show it: its status derived from the
 * rest (busy, disconnected, paused, waiting, idle), and a log line when the coordinator comes or goes.
 */
import type { AgentState } from '../../../shared/worker-view.ts';
import type { Logger } from '../logger.ts';

export class AgentStateHolder {
  readonly #state: AgentState;
  readonly #logger: Logger;
  readonly #onChange: (state: AgentState) => void;

  /** `onChange` gets a copy of the state after each change. */
  constructor(initial: Pick<AgentState, 'workerId' | 'name' | 'server' | 'policy'>, logger: Logger, onChange: (state: AgentState) => void) {
    this.#state = {
      status: 'starting',
      workerId: initial.workerId,
      name: initial.name,
      server: initial.server,
      connected: false,
      paused: false,
      currentJob: null,
      recentJobs: [],
      lastError: null,
      waiting: null,
      policy: initial.policy,
      suspended: false,
    };
    this.#logger = logger;
    this.#onChange = onChange;
  }

  /** The state itself, to read (a copy: `copy()`). */
  get current(): Readonly<AgentState> {
    return this.#state;
  }

  copy(): AgentState {
    return structuredClone(this.#state);
  }

  update(patch: Partial<AgentState>): void {
    Object.assign(this.#state, patch);
    const s = this.#state;
    if (s.status !== 'stopped' && s.status !== 'starting') {
      s.status = s.currentJob ? 'busy' : !s.connected ? 'disconnected' : s.paused ? 'paused' : s.waiting ? 'waiting' : 'idle';
    }
    this.#onChange(this.copy());
  }

  /** Paused twice: the first time is when it was paused; resumed, it forgets when. */
  setPaused(paused: boolean): void {
    if (paused) this.update({ paused: true, pausedAt: this.#state.paused ? this.#state.pausedAt : Date.now() });
    else {
      delete this.#state.pausedAt;
      this.update({ paused: false });
    }
  }

  setConnected(connected: boolean, error?: string): void {
    if (connected !== this.#state.connected || (error && error !== this.#state.lastError)) {
      if (!connected) this.#logger.warn('coordinator unreachable; retrying with backoff', { server: this.#state.server, error });
      else if (this.#state.status === 'disconnected' || this.#state.status === 'starting')
        this.#logger.info('connected to the coordinator', { server: this.#state.server });
    }
    if (this.#state.status === 'starting') this.#state.status = 'idle';
    this.update({ connected, lastError: error ?? (connected ? null : this.#state.lastError) });
  }
}
