/**
 * A data dir's uploads and artifacts copied into the campus's shared files folder, private as the coordinator keeps
 * them (folders 0700, files 0600). A file already there with the same size is taken as copied (a migrate run again);
 * one with another size is refused, never overwritten. Half-written `.part` files stay behind.
 */
import { chmodSync, constants, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders of a data dir that hold files the database refers to, by the names a shared folder keeps them under. */
export const FILE_FOLDERS = ['uploads', 'artifacts'] as const;

export interface FolderCopy {
  folder: string;
  files: number;
  bytes: number;
  /** Files that were there already (the same size). */
  kept: number;
}

function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
}

function copyTree(from: string, to: string, tally: FolderCopy): void {
  privateFolder(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(source, target, tally);
      continue;
    }
    if (!entry.isFile() || entry.name.endsWith('.part')) continue; // no links, no half-written uploads
    const size = statSync(source).size;
    if (existsSync(target)) {
      const there = lstatSync(target);
      if (!there.isFile() || there.size !== size) {
        throw new Error(`${target} exists already and differs from ${source}; the shared folder holds another lab's files? Give an empty --files-dir.`);
      }
      tally.kept++;
      continue;
    }
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    if (process.platform !== 'win32') chmodSync(target, 0o600);
    tally.files++;
    tally.bytes += size;
  }
}

/** Copies `<dataDir>/uploads` and `<dataDir>/artifacts` into `<filesDir>/uploads` and `<filesDir>/artifacts`. */
export function copyFiles(dataDir: string, filesDir: string): FolderCopy[] {
  privateFolder(filesDir);
  return FILE_FOLDERS.map((folder) => {
    const tally: FolderCopy = { folder, files: 0, bytes: 0, kept: 0 };
    const source = join(dataDir, folder);
    if (existsSync(source)) copyTree(source, join(filesDir, folder), tally);
    else privateFolder(join(filesDir, folder));
    return tally;
  });
}
