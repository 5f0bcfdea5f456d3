/**
 * `cmdx artifacts JOB [-o PATH] [--zip]`: downloads the job's result files (one zip) and unpacks them
 * into a new folder with the same checks a worker applies to a project zip, or keeps the zip.
 */
import { constants, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ARTIFACTS_OPTIONS } from '../../options/client-options.ts';
import { parseCommandLine, UsageError } from '../../options/parse-options.ts';
import { DEFAULT_MAX_ENTRIES, extractBundle } from '../../runner/bundle.ts';
import { formatBytes, type Terminal } from '../render.ts';
import { openClient, requireJobId } from '../session.ts';

/** Far above what a worker brings back; only a guard against a zip that claims to unpack into the disk's size. */
const MAX_UNPACKED_BYTES = 64 * 1024 ** 3;

export async function artifactsCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(ARTIFACTS_OPTIONS, args, { min: 1, max: 1, what: 'a job id' }, term.env);
  const id = requireJobId(positionals[0]!);
  const output = resolve(values.output ?? `${id}-artifacts${values.zip ? '.zip' : ''}`);
  // Checked first, so that nothing is downloaded for nothing; unpacking never mixes into an existing folder.
  if (existsSync(output)) throw new UsageError(`${output} exists already; give a new ${values.zip ? 'file' : 'folder'} with -o PATH.`);
  const api = openClient(values, term);
  const work = await mkdtemp(join(tmpdir(), 'cmdx-artifacts-'));
  try {
    const download = join(work, 'artifacts.zip');
    const res = await api.stream('/api/jobs/artifacts', { jobId: id });
    await pipeline(res, createWriteStream(download, { mode: 0o600 }));
    await mkdir(dirname(output), { recursive: true });
    if (values.zip) {
      await copyFile(download, output, constants.COPYFILE_EXCL);
      term.out.write(`Saved the result files of ${id} as ${output}.\n`);
      return 0;
    }
    const unpacked = await extractBundle(download, output, { maxBytes: MAX_UNPACKED_BYTES, maxEntries: DEFAULT_MAX_ENTRIES });
    term.out.write(`Unpacked ${unpacked.entries} entries (${formatBytes(unpacked.totalBytes)}) of ${id} into ${output}.\n`);
    return 0;
  } finally {
    api.close();
    await rm(work, { recursive: true, force: true });
  }
}
