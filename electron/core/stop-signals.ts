/** How the headless commands stop: each SIGINT/SIGTERM runs the next stage; one past the last exits at once. */
import type { Logger } from './logger.ts';

export interface StopStage {
  /** Logged when the stage starts. */
  message: string;
  run: (signal: NodeJS.Signals) => Promise<void>;
}

/** The n-th signal runs `stages[n]` and exits 0 when it is done (1 if it fails). */
export function onStopSignals(logger: Logger, stages: StopStage[]): void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const stage = stages[received++];
    if (!stage) {
      logger.warn('another signal: exiting now', { signal });
      process.exit(130);
    }
    logger.info(stage.message, { signal });
    stage.run(signal).then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('stop failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
