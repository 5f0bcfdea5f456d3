/**
 * What a wake or a power action came to, in one sentence: by name for one PC ("lab-pc-07 could not be
 * reached: …"), else counted ("2 PCs woken, 1 still offline, 1 has no known network card").
 */
import { durationWords, powerActionWords, type PowerAction } from '../../../shared/wake.ts';
import type { PowerAnswer, WakeAnswer } from '../../lib/api-types.ts';
import { listWords } from '../../lib/targets.ts';

type NameOf = (workerId: string) => string;

const pcs = (n: number) => `${n} ${n === 1 ? 'PC' : 'PCs'}`;

/** `wasOnline`: the chosen PCs that were on before the wake (they are "already on", not woken). */
export function wakeSentence(answer: WakeAnswer, wasOnline: ReadonlySet<string>, nameOf: NameOf): string {
  const woken = answer.awake.filter((id) => !wasOnline.has(id));
  const already = answer.awake.filter((id) => wasOnline.has(id));
  const waiting = answer.stillOffline.filter((id) => !answer.noMac.includes(id) && !answer.unreachable.includes(id));
  const total = answer.awake.length + answer.stillOffline.length;
  if (total === 1) {
    const name = nameOf([...answer.awake, ...answer.stillOffline][0]!);
    if (already.length) return `${name} is on already.`;
    if (woken.length) return `${name} is awake.`;
    if (answer.noMac.length) return `${name} has no known network card: it never reported a MAC address, so nothing could wake it.`;
    if (answer.unreachable.length)
      return `${name} could not be reached: neither the coordinator nor an online PC is on its network, so no magic packet went out.`;
    return `A magic packet went to ${name}; it is still offline (it shows here once it is back).`;
  }
  const parts = [
    woken.length ? `${pcs(woken.length)} woken` : '',
    already.length ? `${pcs(already.length)} on already` : '',
    waiting.length ? `${waiting.length} still offline` : '',
    answer.noMac.length ? `${answer.noMac.length} ${answer.noMac.length === 1 ? 'has' : 'have'} no known network card` : '',
    answer.unreachable.length
      ? `${answer.unreachable.length} could not be reached (no coordinator or online PC on ${answer.unreachable.length === 1 ? 'its' : 'their'} network)`
      : '',
  ].filter(Boolean);
  return `${parts.join(', ') || 'No PC was chosen'}.`;
}

/** PCs by name, up to three; else counted. */
function who(ids: readonly string[], nameOf: NameOf): string {
  return ids.length <= 3 ? listWords(ids.map(nameOf)) : pcs(ids.length);
}

export function powerSentence(answer: PowerAnswer, action: PowerAction, delaySeconds: number, nameOf: NameOf): string {
  const verb = powerActionWords(action);
  const parts: string[] = [];
  if (answer.accepted.length) parts.push(`${who(answer.accepted, nameOf)} will ${verb} ${delaySeconds > 0 ? `in ${durationWords(delaySeconds)}` : 'now'}`);
  if (answer.inUse.length) parts.push(`${who(answer.inUse, nameOf)} ${answer.inUse.length === 1 ? 'is' : 'are'} in use: skipped (force it to ${verb} anyway)`);
  if (answer.offline.length) parts.push(`${who(answer.offline, nameOf)} ${answer.offline.length === 1 ? 'is' : 'are'} offline: nothing to tell`);
  return `${parts.join('; ') || 'No PC was chosen'}.`;
}
