/** The people, read on opening and after each change (an admin's page: nobody else asks). */
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import type { UserDto } from '../../lib/api-types.ts';

export function usePeople(): { users: UserDto[] | null; error: string | null; reload: () => void } {
  const api = useApi();
  const [users, setUsers] = useState<UserDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    api.users().then(
      (answer) => {
        if (!current) return;
        setUsers(answer.users);
        setError(null);
      },
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [api, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { users, error, reload };
}
