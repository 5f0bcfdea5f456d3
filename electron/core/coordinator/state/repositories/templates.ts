/** Saved commands (templates), kept as their checked JSON body, and the uploads each keeps alive. */
import { randomBytes } from 'node:crypto';
import type { SqlStatement } from '../sql.ts';
import type { TemplateBody } from '../../../../../shared/templates.ts';
import type { Database } from '../sql.ts';
import { int, text, type Row } from '../row.ts';

export interface TemplateRecord {
  templateId: string;
  body: TemplateBody;
  createdAt: number;
  updatedAt: number;
}

function toRecord(row: Row): TemplateRecord {
  return {
    templateId: text(row, 'template_id'),
    body: JSON.parse(text(row, 'body')) as TemplateBody,
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

export class TemplateRepository {
  readonly #insert: SqlStatement;
  readonly #update: SqlStatement;
  readonly #delete: SqlStatement;
  readonly #get: SqlStatement;
  readonly #all: SqlStatement;
  readonly #count: SqlStatement;
  readonly #dropFiles: SqlStatement;
  readonly #addFile: SqlStatement;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO templates (template_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)');
    this.#update = db.prepare('UPDATE templates SET body = ?, updated_at = ? WHERE template_id = ?');
    this.#delete = db.prepare('DELETE FROM templates WHERE template_id = ?');
    this.#get = db.prepare('SELECT * FROM templates WHERE template_id = ?');
    this.#all = db.prepare('SELECT * FROM templates ORDER BY seq DESC');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM templates');
    this.#dropFiles = db.prepare('DELETE FROM template_files WHERE template_id = ?');
    this.#addFile = db.prepare('INSERT INTO template_files (template_id, file_url) VALUES (?, ?) ON CONFLICT DO NOTHING');
  }

  insert(body: TemplateBody, now: number): TemplateRecord {
    const templateId = `tpl-${now}-${randomBytes(5).toString('hex')}`;
    this.#insert.run(templateId, JSON.stringify(body), now, now);
    this.#keepFiles(templateId, body);
    return this.get(templateId)!;
  }

  update(templateId: string, body: TemplateBody, now: number): TemplateRecord | undefined {
    if (Number(this.#update.run(JSON.stringify(body), now, templateId).changes) === 0) return undefined;
    this.#keepFiles(templateId, body);
    return this.get(templateId);
  }

  delete(templateId: string): boolean {
    this.#dropFiles.run(templateId);
    return Number(this.#delete.run(templateId).changes) > 0;
  }

  get(templateId: string): TemplateRecord | undefined {
    const row = this.#get.get(templateId);
    return row && toRecord(row);
  }

  all(): TemplateRecord[] {
    return this.#all.all().map(toRecord);
  }

  count(): number {
    return int(this.#count.get()!, 'n');
  }

  /** Its zips stay as long as it does: retention asks template_files before removing an upload. */
  #keepFiles(templateId: string, body: TemplateBody): void {
    this.#dropFiles.run(templateId);
    for (const zip of body.zips ?? []) this.#addFile.run(templateId, zip.fileUrl);
  }
}
