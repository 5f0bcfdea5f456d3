/**
 * A cron expression in words, for the common shapes a lab uses ("every weekday at 22:00", "every
 * Monday at 07:30", "every 15 minutes"); anything else is said as "at times matching <expression>".
 * 5 fields, or 6 with seconds first.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function cronWords(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const [second, minute, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  if (fields.length < 5 || fields.length > 6 || second !== '0') return fallback(expression);
  if (dom === '*' && month === '*' && dow === '*') {
    if (hour === '*' && minute === '*') return 'every minute';
    const every = /^\*\/(\d+)$/.exec(minute!);
    if (hour === '*' && every) return `every ${every[1]} minutes`;
    if (hour === '*' && /^\d+$/.test(minute!)) return `every hour at minute ${minute}`;
  }
  const time = clock(hour!, minute!);
  if (!time || month !== '*') return fallback(expression);
  if (dom === '*' && dow === '*') return `every day at ${time}`;
  if (dom === '*') {
    const days = dayWords(dow!);
    return days ? `every ${days} at ${time}` : fallback(expression);
  }
  if (dow === '*' && /^\d+$/.test(dom!)) return `on day ${dom} of every month at ${time}`;
  return fallback(expression);
}

function clock(hour: string, minute: string): string | null {
  if (!/^\d+$/.test(hour) || !/^\d+$/.test(minute) || Number(hour) > 23 || Number(minute) > 59) return null;
  return `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
}

function dayWords(dow: string): string | null {
  if (dow === '1-5' || dow.toUpperCase() === 'MON-FRI') return 'weekday';
  if (dow === '0,6' || dow === '6,0' || dow.toUpperCase() === 'SAT,SUN') return 'Saturday and Sunday';
  const days = dow.split(',').map((d) => (/^[0-7]$/.test(d) ? DAYS[Number(d) % 7] : null));
  if (days.some((d) => d === null)) return null;
  return days.length === 1 ? days[0]! : `${days.slice(0, -1).join(', ')} and ${days.at(-1)}`;
}

function fallback(expression: string): string {
  return `at times matching "${expression.trim()}"`;
}
