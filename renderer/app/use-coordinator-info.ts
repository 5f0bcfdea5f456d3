/** The coordinator's details (fingerprint, join lines, join token policy), read again on demand. */
import { useCallback, useEffect, useState } from 'react';
import type { CoordinatorInfo } from '../lib/api.ts';
import { useApi } from '../lib/api-context.tsx';

export function useCoordinatorInfo(): { info: CoordinatorInfo | null; reload: () => void } {
  const api = useApi();
  const [info, setInfo] = useState<CoordinatorInfo | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    // A failure keeps what was shown; the connection badge tells when the coordinator is away.
    api.info().then(
      (i) => current && setInfo(i),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { info, reload };
}
