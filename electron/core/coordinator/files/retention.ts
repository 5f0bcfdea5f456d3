/**
 * Deletes project zips nobody needs any more, so a coordinator left running for a term does not fill
 * its disk: uploads whose jobs all ended more than --keep-uploads-days ago, and uploads no job refers
 * to (a crash between saving a zip and creating its job) once they are a day old.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logger.ts';
import type { UploadIndex } from './upload-index.ts';
import { UPLOAD_NAME_PATTERN, uploadNameFromUrl, uploadUrl } from '../../../../shared/uploads.ts';

const DAY = 24 * 3600 * 1000;

export function removeOldUploads(uploads: UploadIndex, uploadsDir: string, keepDays: number, now = Date.now(), logger?: Logger): string[] {
  const removed: string[] = [];
  for (const url of uploads.doneBefore(now - keepDays * DAY)) {
    const name = uploadNameFromUrl(url);
    if (!name) continue;
    rmSync(join(uploadsDir, name), { force: true });
    uploads.forget(name);
    removed.push(name);
  }
  for (const name of readdirSync(uploadsDir)) {
    if (!UPLOAD_NAME_PATTERN.test(name) || removed.includes(name)) continue;
    if (!uploads.isReferenced(uploadUrl(name)) && statSync(join(uploadsDir, name)).mtimeMs < now - DAY) {
      rmSync(join(uploadsDir, name), { force: true });
      uploads.forget(name);
      removed.push(name);
    }
  }
  if (removed.length) logger?.info('removed old uploads', { count: removed.length, keepDays });
  return removed;
}
