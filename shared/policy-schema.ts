/** A worker's policy on the wire (its values and meaning: policy.ts). */
import { z } from 'zod';

export const POLICY_WHEN = ['always', 'idle', 'schedule'] as const;
export const ON_USER_RETURN = ['suspend', 'finish', 'cancel'] as const;
export const PRIORITIES = ['low', 'normal'] as const;

export const workerPolicy = z
  .object({
    when: z.enum(POLICY_WHEN),
    /** For `idle`: minutes without keyboard or mouse before the PC counts as free. */
    idleMinutes: z.number(),
    /** For `schedule`: e.g. "Mon-Fri 18:00-07:30; Sat-Sun 00:00-24:00", in the worker's local time. */
    windows: z.string().nullable(),
    onUserReturn: z.enum(ON_USER_RETURN),
    priority: z.enum(PRIORITIES),
    /** Tell the student at the PC (a tray notification) when a job starts while they are there. */
    notices: z.boolean(),
  })
  .meta({ id: 'Policy' });
export type WorkerPolicy = z.infer<typeof workerPolicy>;
