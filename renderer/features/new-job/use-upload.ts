/** The form's progress bar and its error around one send: a failure becomes the error, the bar goes when it ends either way. */
import { useState } from 'react';

export interface Upload {
  /** 0 to 1 while sending; null otherwise. */
  progress: number | null;
  setProgress: (fraction: number) => void;
  error: string | null;
  setError: (error: string | null) => void;
  /** Runs `send` with the progress bar up. */
  sending: (send: () => Promise<void>) => Promise<void>;
}

export function useUpload(): Upload {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sending = async (send: () => Promise<void>) => {
    setProgress(0);
    try {
      await send();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };
  return { progress, setProgress, error, setError, sending };
}
