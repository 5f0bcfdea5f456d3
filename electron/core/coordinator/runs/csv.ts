/**
 * CSV as RFC 4180 writes it, with every cell a spreadsheet could run as a formula made inert (OWASP's
 * CSV injection advice), whichever list separator the reader's locale uses: `,` (en), `;` (de, fr, es,
 * it, nl, pt-BR, ru) or TAB (a paste, LibreOffice's import).
 */

// A formula starts with = + - @, or their fullwidth forms, which Excel reads the same way.
const FORMULA_START = /^[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/** Plain numbers stay numbers; every text part that would start a formula (in any locale's split) gets an apostrophe. */
export function safeCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(text)) return text;
  // A leading TAB or CR is dropped by some readers, and the rest then starts the cell.
  if (/^[\t\r]/.test(text)) return `'${text}`;
  // Each part between `;` or TAB is a cell of its own to a reader with that separator: neutralised where it starts.
  return text
    .split(/([;\t])/)
    .map((part, i) => (i % 2 === 0 && FORMULA_START.test(part.trimStart()) ? `${part.match(/^\s*/)![0]}'${part.trimStart()}` : part))
    .join('');
}

/** Every text cell in quotes (so no separator inside it splits it); numbers as they are. */
function quote(cell: string, isNumber: boolean): string {
  if (isNumber || cell === '') return cell;
  return `"${cell.replace(/"/g, '""')}"`;
}

/** Header and rows, CRLF line ends, every text field quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return (
    [header, ...rows]
      .map((row) =>
        row
          .map((value) => {
            const cell = safeCell(value);
            return quote(cell, typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(cell));
          })
          .join(','),
      )
      .join('\r\n') + '\r\n'
  );
}
