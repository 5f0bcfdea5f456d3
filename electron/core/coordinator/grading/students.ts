/**
 * The students CSV of a grading run: which zip is whose. A header row names the columns (`file` or
 * `zip`, `student` or `name`, `id`, `email`, in any order and case); the rest are rows. Bounded, and
 * every cell printable, since names end up in tables, file names and spreadsheets.
 */
import type { StudentDto } from '../../../../shared/graded-job.ts';
import { GRADING_LIMITS } from '../../../../shared/grading.ts';

const MAX_ROWS = 2000;
const MAX_CELL = 200;
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069]/;

const COLUMNS = {
  file: ['file', 'zip', 'filename', 'submission'],
  student: ['student', 'name', 'display name'],
  id: ['id', 'idnumber', 'student id', 'sis user id'],
  email: ['email', 'e-mail', 'mail'],
} as const;

export type StudentsOutcome = { ok: true; students: Record<string, StudentDto> } | { ok: false; message: string };

/** The CSV's rows by zip file name (the `.zip` added when the row leaves it out). */
export function parseStudentsCsv(text: string): StudentsOutcome {
  if (Buffer.byteLength(text) > GRADING_LIMITS.maxStudentsCsvBytes) return fail(`is larger than ${GRADING_LIMITS.maxStudentsCsvBytes / 1024} KB`);
  if (UNPRINTABLE.test(text)) return fail('holds control characters; save it as plain UTF-8 text');
  const rows = csvRows(text.replace(/^\ufeff/, ''));
  if (rows === null) return fail('has a quoted cell that never ends');
  if (rows.length > MAX_ROWS + 1) return fail(`has more than ${MAX_ROWS} rows`);
  const header = (rows[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const at = (names: readonly string[]) => header.findIndex((cell) => names.includes(cell));
  const file = at(COLUMNS.file);
  const student = at(COLUMNS.student);
  if (file === -1 || student === -1) return fail('needs a header row with a "file" (or "zip") column and a "student" (or "name") column');
  const id = at(COLUMNS.id);
  const email = at(COLUMNS.email);
  const students: Record<string, StudentDto> = {};
  for (const [i, row] of rows.slice(1).entries()) {
    if (row.every((cell) => cell.trim() === '')) continue;
    const cell = (column: number) => (column === -1 ? '' : (row[column] ?? '').trim());
    if ([file, student, id, email].some((column) => cell(column).length > MAX_CELL)) return fail(`row ${i + 2} has a cell longer than ${MAX_CELL} characters`);
    const zip = cell(file);
    if (!zip) return fail(`row ${i + 2} names no file`);
    const key = /\.zip$/i.test(zip) ? zip : `${zip}.zip`;
    if (students[key]) return fail(`names ${key} twice (rows ${i + 2} and an earlier one)`);
    students[key] = { student: cell(student) || zip.replace(/\.zip$/i, ''), id: cell(id) || null, email: cell(email) || null };
  }
  return { ok: true, students };
}

/** The student a job's zip belongs to: the CSV's row, else the zip's name without `.zip`. */
export function studentOf(filename: string, students: Record<string, StudentDto> | null): StudentDto {
  return students?.[filename] ?? { student: filename.replace(/\.zip$/i, ''), id: null, email: null };
}

function fail(what: string): StudentsOutcome {
  return { ok: false, message: `The students CSV ${what}.` };
}

/** RFC 4180 rows, `,` or `;` separated (whichever the header uses), quotes doubled inside quoted cells; null when a quote never ends. */
function csvRows(text: string): string[][] | null {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const separator = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === separator) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) return null;
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
