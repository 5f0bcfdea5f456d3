/** Wake-on-LAN and power actions on the wire: what a worker reports, what the coordinator tells it, what the API shows. */
import { z } from 'zod';
import { isBroadcastFor, macProblem, normalizeMac, POWER_ACTIONS, WAKE_LIMITS } from './wake.ts';

const ipv4 = z.ipv4({ error: 'must be a dotted IPv4 address, e.g. 192.168.1.10' });

/** One of a worker's IPv4 interfaces, checked: a usable MAC (stored in lower case), its address and its network's broadcast address. */
export const lanInterface = z
  .object({
    mac: z
      .string()
      .max(17)
      .superRefine((mac, ctx) => {
        const problem = macProblem(mac);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((mac) => normalizeMac(mac)!),
    address: ipv4,
    broadcast: ipv4,
  })
  .strict()
  .refine((i) => isBroadcastFor(i.broadcast, i.address), {
    message: "broadcast must be the broadcast address of the interface's network (its address with every host bit set)",
    path: ['broadcast'],
  });

export const lanInterfaces = z.array(lanInterface).max(WAKE_LIMITS.maxInterfaces);

/** As the API shows them. */
export const lanInterfaceDto = z.object({ mac: z.string(), address: z.string(), broadcast: z.string() });

/** What a worker says about the power action it was given: going ahead (when), skipped because someone uses the PC, or the command failed. */
export const POWER_REPORT_STATES = ['powering_off', 'in_use', 'failed'] as const;
export const powerReport = z
  .object({
    action: z.enum(POWER_ACTIONS),
    /** The order's requestedAt, echoed: a report of an older order never overwrites a newer request. */
    requestedAt: z.number().int().min(0),
    state: z.enum(POWER_REPORT_STATES),
    /** powering_off: when the OS command runs (ms); otherwise when the worker decided. */
    at: z.number().int().min(0),
    message: z.string().max(1000).nullish(),
  })
  .strict();

/**
 * A worker's power action as the dashboard shows it: `requested` (waiting for its next heartbeat or
 * long poll), `delivered`, then what the worker reported (`powering_off`, `in_use`, `failed`). A worker
 * that goes offline while `powering_off` was powered off on purpose, not lost.
 */
export const WORKER_POWER_STATES = ['requested', 'delivered', ...POWER_REPORT_STATES] as const;
export const workerPowerDto = z.object({
  action: z.enum(POWER_ACTIONS),
  state: z.enum(WORKER_POWER_STATES),
  delaySeconds: z.number(),
  force: z.boolean(),
  /** When the admin asked (ms). */
  requestedAt: z.number(),
  /** When it powers off (powering_off) or when the worker said otherwise (ms); null until the worker reports. */
  at: z.number().nullable(),
  message: z.string().nullable(),
});
export type WorkerPowerDto = z.infer<typeof workerPowerDto>;

/** In a heartbeat or long-poll answer: send these magic packets on your network (the coordinator has no interface there). */
export const wakeOrder = z.object({ mac: z.string(), broadcast: z.string() });
export type WakeOrder = z.infer<typeof wakeOrder>;

/** In a heartbeat or long-poll answer: the admin's power action for this PC. */
export const powerOrder = z.object({
  action: z.enum(POWER_ACTIONS),
  delaySeconds: z.number(),
  force: z.boolean(),
  requestedAt: z.number(),
});
export type PowerOrder = z.infer<typeof powerOrder>;

/** What rides on a heartbeat's and a long poll's answer for the worker to do. */
export const workerOrders = {
  wake: z.array(wakeOrder).optional(),
  power: powerOrder.optional(),
};
