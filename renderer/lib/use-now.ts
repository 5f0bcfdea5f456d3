/** A clock that ticks every second, for "3 s ago" and running durations. */
import { useEffect, useState } from 'react';

/** `clock` must keep one identity (Date.now, or the live store's server clock): a new one restarts the interval. */
export function useNow(clock: () => number = Date.now): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const t = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(t);
  }, [clock]);
  return now;
}
