/** The PCs waiting to join, asked every 2 s while the dashboard is open (the live feed does not carry them). */
import { useCallback, useEffect, useState } from 'react';
import type { JoinFlood, JoinRequest } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';

const POLL_MS = 2000;

export function useJoinRequests(): { requests: JoinRequest[]; flood: JoinFlood | null; refresh: () => void } {
  const api = useApi();
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const [flood, setFlood] = useState<JoinFlood | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const answer = await api.joinRequests();
        if (!stopped) {
          setRequests(answer.requests);
          setFlood(answer.flood ?? null);
        }
      } catch {
        // The connection badge already says when the coordinator is away; keep the last list.
      }
      // The next ask after this answer, so a slow coordinator never gets them piling up.
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, round]);

  // Starting a new round drops any answer still on its way from before the decision.
  const refresh = useCallback(() => setRound((r) => r + 1), []);
  return { requests, flood, refresh };
}
