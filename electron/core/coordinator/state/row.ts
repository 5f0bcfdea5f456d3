/** Typed reads of SQLite result columns: a column of the wrong type is a bug, reported, never cast away. */
/** A column's value as either engine gives it (PostgreSQL's are mapped to these in postgres/pg-thread.ts). */
export type SQLOutputValue = null | number | bigint | string | Uint8Array;

export type Row = Record<string, SQLOutputValue>;

function wrongType(column: string, value: unknown, want: string): TypeError {
  return new TypeError(`column ${column} holds ${typeof value}, expected ${want}`);
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw wrongType(column, value, 'text');
  return value;
}

export function textOrNull(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

export function int(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wrongType(column, value, 'integer');
}

/** A REAL column (points), or null. */
export function numberOrNull(row: Row, column: string): number | null {
  const value = row[column];
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wrongType(column, value, 'number');
}

export function intOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : int(row, column);
}

/** Narrows a text column to one of `values`. */
export function oneOf<T extends string>(row: Row, column: string, values: readonly T[]): T {
  const value = text(row, column);
  if (!(values as readonly string[]).includes(value)) throw new TypeError(`column ${column} holds "${value}", expected one of ${values.join(', ')}`);
  return value as T;
}
