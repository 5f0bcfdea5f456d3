/**
 * Zips a project folder for `cmdx submit`, as git would see it: every `.gitignore` inside it is
 * honoured (a deeper one overrides a higher one), `node_modules` and `.git` are always left out. Files
 * are streamed from disk into a zip file on disk; only names are held in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import ignore, { type Ignore } from 'ignore';
import yazl from 'yazl';

/** Left out wherever they are: installed packages are rebuilt by the job, and history is not the project. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

export interface PackedProject {
  zipPath: string;
  /** Bytes of the zip. */
  size: number;
  /** Files (and links) in it. */
  files: number;
  /** Things left out that a person would not expect to be, each with why (a link out of the folder). */
  notes: string[];
  /** Deletes the zip and its temporary folder. */
  cleanup: () => Promise<void>;
}

/** One folder's `.gitignore`, applied to paths relative to that folder. */
interface Rules {
  /** The folder, relative to the project (`''` for its top), with a trailing `/` unless top. */
  base: string;
  matcher: Ignore;
}

/** Paths of `root` to zip, relative to it with `/`, in a stable order (folders before their contents, names sorted). */
export async function projectFiles(root: string): Promise<{ files: { path: string; link?: string }[]; notes: string[] }> {
  const files: { path: string; link?: string }[] = [];
  const notes: string[] = [];
  const walk = async (relDir: string, rules: Rules[]): Promise<void> => {
    const absDir = join(root, relDir);
    const own = await folderRules(absDir, relDir);
    const inForce = own ? [...rules, own] : rules;
    const entries = (await readdir(absDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const rel = relDir + entry.name;
      if (entry.isDirectory()) {
        if (!isIgnored(inForce, `${rel}/`)) await walk(`${rel}/`, inForce);
      } else if (entry.isFile()) {
        if (!isIgnored(inForce, rel)) files.push({ path: rel });
      } else if (entry.isSymbolicLink()) {
        if (isIgnored(inForce, rel)) continue;
        const target = await readlink(join(root, rel));
        if (staysInside(rel, target)) files.push({ path: rel, link: target });
        else notes.push(`left out the link ${rel} -> ${target}: it points outside the folder`);
      } // sockets, pipes and devices are not project files
    }
  };
  await walk('', []);
  return { files, notes };
}

/** Zips `dir` into a temporary file, inside one top folder named after it (the worker runs the commands in there). */
export async function packFolder(dir: string): Promise<PackedProject> {
  const root = resolve(dir);
  if (!(await stat(root)).isDirectory()) throw new Error(`${dir} is not a folder.`);
  const { files, notes } = await projectFiles(root);
  const top = topFolderName(root);
  const work = await mkdtemp(join(tmpdir(), 'cmdx-pack-'));
  const zipPath = join(work, `${top}.zip`);
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const zip = new yazl.ZipFile();
    zip.addEmptyDirectory(`${top}/`);
    for (const file of files) {
      if (file.link !== undefined) {
        zip.addBuffer(Buffer.from(file.link), `${top}/${file.path}`, { mode: 0o120777, compress: false });
        continue;
      }
      const abs = join(root, file.path);
      const info = await lstat(abs);
      // Opened only when its turn comes: one file open at a time, whatever the project's size.
      zip.addReadStreamLazy(`${top}/${file.path}`, { mtime: info.mtime, mode: info.mode, size: info.size }, (callback) =>
        callback(null, createReadStream(abs)),
      );
    }
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipPath, { mode: 0o600 }));
    return { zipPath, size: (await stat(zipPath)).size, files: files.length, notes, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function folderRules(absDir: string, relDir: string): Promise<Rules | undefined> {
  let text: string;
  try {
    text = await readFile(join(absDir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  // Git compares names case-insensitively where the file system does (its core.ignorecase default).
  return { base: relDir, matcher: ignore({ ignorecase: process.platform === 'win32' || process.platform === 'darwin' }).add(text) };
}

/** Git's order: the deepest `.gitignore` that has a say decides; within one file the last matching rule does. */
function isIgnored(rules: Rules[], rel: string): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const { base, matcher } = rules[i]!;
    const verdict = matcher.test(rel.slice(base.length));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** A link is kept only if it leads inside the project by the worker's rule: `..` only at its start, landing inside. */
function staysInside(rel: string, target: string): boolean {
  if (posix.isAbsolute(target) || /^[a-zA-Z]:/.test(target) || target.includes('\\') || target.includes('\0')) return false;
  const segments = target.split('/');
  let climb = 0;
  while (segments[climb] === '..') climb++;
  if (segments.slice(climb).includes('..')) return false;
  const where = posix.normalize(posix.join(posix.dirname(rel), target));
  return where !== '..' && !where.startsWith('../');
}

function topFolderName(root: string): string {
  const name = basename(root).replace(/[^A-Za-z0-9._ -]/g, '_');
  return name === '' || name.startsWith('.') ? `project${name}` : name;
}
