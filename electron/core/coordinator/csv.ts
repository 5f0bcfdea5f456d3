/** CSV as RFC 4180 writes it, with cells a spreadsheet would run as a formula made inert (OWASP's CSV injection advice). */

/** A text cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe; plain numbers stay numbers. */
export function safeCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Header and rows, CRLF line ends, every field quoted where it must be. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map((value) => quote(safeCell(value))).join(',')).join('\r\n') + '\r\n';
}
