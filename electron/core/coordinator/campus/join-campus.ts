/**
 * The duties and the live events of a campus: alone (SQLite), the duties run here from the start; on PostgreSQL,
 * events go to the other coordinators and the duties run where the duty lock is.
 */
import type { CoordinatorContext } from '../context.ts';
import { campusDuties } from './duties.ts';
import { DutyLock } from './duty-lock.ts';
import { EventRelay } from './event-relay.ts';

export async function joinCampus(
  context: CoordinatorContext,
  database: string | undefined,
  keepUploadsDays: number,
  dutyRetryMs?: number,
): Promise<{ stop(): Promise<void> }> {
  const duties = campusDuties(context, keepUploadsDays);
  context.duties = duties;
  if (!database) {
    duties.start();
    return { stop: () => Promise.resolve(duties.stop()) };
  }
  const relay = new EventRelay(database, context.store, context.logger);
  const lock = new DutyLock(database, duties, context.logger, dutyRetryMs);
  try {
    await relay.start();
  } catch (error) {
    await relay.stop();
    throw new Error(`Could not listen for the campus's events on PostgreSQL (${(error as Error).message}); check --database.`, { cause: error });
  }
  lock.start();
  return { stop: async () => void (await Promise.all([lock.stop(), relay.stop()])) };
}
