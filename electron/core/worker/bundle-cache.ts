/**
 * Keeps recently downloaded project zips of the coordinator's own uploads. An upload's name is
 * generated once and never reused, so its bytes never change: a lab running the same project again
 * (Run again, or one zip for many jobs) skips the download. Zips from other hosts are never cached.
 */
import { createReadStream } from 'node:fs';
import { copyFile, link, readdir, rm, stat, utimes } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { privateDir } from '../paths.ts';
import { uploadNameFromUrl } from '../../../shared/uploads.ts';

export class BundleCache {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #maxEntries: number;

  constructor(workDir: string, options: { maxBytes?: number; maxEntries?: number } = {}) {
    this.#dir = join(workDir, 'cache');
    this.#maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.#maxEntries = options.maxEntries ?? 16;
  }

  /** The cache key of a download, or undefined when it must not be cached. */
  static keyOf(url: URL, coordinator: URL): string | undefined {
    if (url.origin !== coordinator.origin || !uploadNameFromUrl(url.pathname) || url.search) return undefined;
    return createHash('sha256').update(url.href).digest('hex').slice(0, 32);
  }

  /**
   * Puts a cached copy at `dest`; false when there is none, or when it no longer has the SHA-256 the
   * coordinator recorded at upload (a job changed it): then it is thrown away and downloaded again.
   */
  async fetch(key: string, dest: string, expectedSha256?: string | null): Promise<'hit' | 'miss' | 'tampered'> {
    const file = join(this.#dir, `${key}.zip`);
    try {
      if (expectedSha256 && (await sha256Of(file)) !== expectedSha256) {
        await rm(file, { force: true });
        return 'tampered';
      }
      await link(file, dest).catch(() => copyFile(file, dest));
      const now = new Date();
      await utimes(file, now, now); // most recently used
      return 'hit';
    } catch {
      return 'miss';
    }
  }

  /** Keeps a copy of a finished download (hard link when possible), then trims the cache. */
  async store(key: string, source: string, bytes: number): Promise<void> {
    if (bytes > this.#maxBytes / 2) return; // one huge zip would push everything else out
    privateDir(this.#dir);
    const file = join(this.#dir, `${key}.zip`);
    await rm(file, { force: true });
    await link(source, file).catch(() => copyFile(source, file));
    await this.trim();
  }

  private async trim(): Promise<void> {
    const entries = await Promise.all((await readdir(this.#dir)).map(async (name) => ({ name, ...(await stat(join(this.#dir, name))) })));
    entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
    let total = 0;
    for (const [i, e] of entries.entries()) {
      total += e.size;
      if (i >= this.#maxEntries || total > this.#maxBytes) await rm(join(this.#dir, e.name), { force: true });
    }
  }
}

/** SHA-256 (hex) of a file's bytes, read in 1 MB pieces. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
