/** Result files to bring back, as a job or a grading run asks for them. */
import { z } from 'zod';
import { LIMITS } from './limits.ts';

/** Result files to bring back: relative glob patterns that cannot climb out of the job's folder. */
export const artifactPatterns = z
  .array(
    z
      .string()
      .min(1)
      .max(LIMITS.artifactPatternLength)
      .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'must be relative to the job folder, without ".."'),
  )
  .max(LIMITS.maxArtifactPatterns);
