/** Small zips written in memory with yazl (the worker's self-check, benchmarks and chaos runs). */
import yazl from 'yazl';

/** A zip of `files`, each a regular file (mode 0644). */
export function zipFiles(files: { name: string; content: string | Buffer }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(Buffer.from(file.content), file.name, { mode: 0o100644 });
  return finishZip(zip);
}

/** Ends `zip` and collects its bytes. */
export function finishZip(zip: yazl.ZipFile): Promise<Buffer> {
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
  });
}
