/** A worker as the API shows it, idle and online, for tests of the dashboard's pure readings. */
import type { WorkerDto } from '../../shared/api.ts';
import { DEFAULT_POLICY } from '../../shared/policy.ts';

export function workerDto(workerId: string, patch: Partial<WorkerDto> = {}): WorkerDto {
  return {
    workerId,
    hostname: `host-${workerId}`,
    os: 'linux',
    cpuCount: 4,
    status: 'idle',
    lastHeartbeat: 0,
    version: null,
    currentJobId: null,
    registeredAt: 0,
    paused: false,
    warnings: [],
    tags: [],
    name: patch.hostname ?? `host-${workerId}`,
    pausedByAdmin: false,
    replaces: null,
    available: true,
    availabilityReason: null,
    policy: DEFAULT_POLICY,
    pausedAt: null,
    pausedByAdminAt: null,
    suspendedSince: null,
    interfaces: [],
    inUse: false,
    power: null,
    ...patch,
  };
}
