/** Why zips cannot be sent, said before sending them: the coordinator would refuse them only after the whole upload. */
import { LIMITS } from '../../../shared/api.ts';
import { fileSize } from '../../lib/format.ts';

/** A zip over the coordinator's --max-upload-mb. */
export function tooLarge(file: File, maxUploadBytes: number | null): string | null {
  if (maxUploadBytes === null || file.size <= maxUploadBytes) return null;
  return (
    `${file.name} is ${fileSize(file.size)}; this coordinator accepts zips up to ${fileSize(maxUploadBytes)} (--max-upload-mb). ` +
    'Remove build outputs or node_modules from the zip, or restart the coordinator with a larger --max-upload-mb.'
  );
}

/** Why these zips cannot be sent together: each must fit, and a run's zips travel in one upload. */
export function refuseFiles(files: readonly File[], maxUploadBytes: number | null): string | null {
  const notZip = files.find((f) => !/\.zip$/i.test(f.name));
  if (notZip) return `${notZip.name} is not a .zip file; zip the project folder first.`;
  if (files.length > LIMITS.maxRunZips) return `${files.length} zips were dropped; a run takes at most ${LIMITS.maxRunZips}. Split them over several runs.`;
  for (const f of files) {
    const refused = tooLarge(f, maxUploadBytes);
    if (refused) return refused;
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  if (files.length > 1 && maxUploadBytes !== null && total > maxUploadBytes) {
    return `These ${files.length} zips are ${fileSize(total)} together; this coordinator accepts up to ${fileSize(maxUploadBytes)} in one upload (--max-upload-mb). Split them over several runs.`;
  }
  return null;
}

/** Why a grading run's hidden tests or starter code cannot go with its zips: each a .zip, all within one upload. */
export function refuseParts(files: readonly File[], parts: readonly (File | null)[], maxUploadBytes: number | null): string | null {
  const chosen = parts.filter((f): f is File => f !== null);
  const notZip = chosen.find((f) => !/\.zip$/i.test(f.name));
  if (notZip) return `${notZip.name} is not a .zip file; zip the hidden tests or starter code first.`;
  const total = [...files, ...chosen].reduce((n, f) => n + f.size, 0);
  if (chosen.length > 0 && maxUploadBytes !== null && total > maxUploadBytes)
    return `The zips, hidden tests and starter code are ${fileSize(total)} together; this coordinator accepts up to ${fileSize(maxUploadBytes)} in one upload (--max-upload-mb).`;
  return null;
}
