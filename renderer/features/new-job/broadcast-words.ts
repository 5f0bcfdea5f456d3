/** A broadcast in words before it is sent: how many PCs, and which will not start at once (offline, or in use by a student). */

export interface Broadcast {
  count: number;
  offline: number;
  /** Online, but the lab's policy keeps them from jobs now (a student at the PC, outside its hours) or paused. */
  inUse: number;
  deadlineSeconds: number;
}

/** "24 h", "90 min": how long an offline PC's job waits. */
export function waitText(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

/** What the admin should know before sending: which PCs start at once, which wait and why. */
export function broadcastText({ count, offline, inUse, deadlineSeconds }: Broadcast): string {
  const parts: string[] = [];
  if (inUse > 0)
    parts.push(
      `${pcCount(inUse)} ${inUse === 1 ? 'is' : 'are'} in use by students: ${inUse === 1 ? 'its job starts when it is' : 'their jobs start when they are'} free.`,
    );
  if (offline > 0)
    parts.push(
      `${pcCount(offline)} ${offline === 1 ? 'is' : 'are'} offline; ${offline === 1 ? 'its job waits' : 'their jobs wait'} up to ${waitText(deadlineSeconds)}.`,
    );
  if (parts.length === 0) return count === 1 ? 'It is online and free: it starts at once.' : `All ${count} are online and free: they start at once.`;
  return parts.join(' ');
}

export function pcCount(n: number): string {
  return `${n} ${n === 1 ? 'PC' : 'PCs'}`;
}
