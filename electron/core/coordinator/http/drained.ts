/** Backpressure for a streamed answer: resolves when the client took what was written, or went away. */
import type { Response } from 'express';

export function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
