/** Saves a blob as a file through an `<a download>`: the way to download what needed an auth header to fetch. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by the time a minute has passed; the URL would pin the blob in memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
