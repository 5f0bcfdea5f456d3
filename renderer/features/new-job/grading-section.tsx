/**
 * The new-job form's Grading section, for several zips (one per student), folded until opened: the
 * test reports to read, the hidden tests (a zip laid over each student's folder before the commands),
 * points per test, the students CSV (read here, its students counted) and the starter code (left out
 * of the similarity check).
 */
import { useState } from 'react';
import { DEFAULT_REPORT_GLOBS } from '../../../shared/grading.ts';
import { fileSize } from '../../lib/format.ts';
import { isGraded, readStudentsFile, type GradingDraft } from './grading-form.ts';
import { PointsTable } from './points-table.tsx';

export function GradingSection({ value, onChange }: { value: GradingDraft; onChange: (next: GradingDraft) => void }) {
  const [open, setOpen] = useState(() => isGraded(value) || value.students !== null);
  const update = (patch: Partial<GradingDraft>) => onChange({ ...value, ...patch });
  return (
    <details className="grading-section" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="grading-section">
      <summary>
        Grading <span className="muted">(optional: hidden tests, points, students)</span>
      </summary>
      <p className="muted small">Each zip is a student&apos;s work: the run page then shows a gradebook, with exports for Moodle and Canvas.</p>
      <label htmlFor="test-reports">
        Test reports <span className="muted">(optional)</span>
      </label>
      <input
        id="test-reports"
        type="text"
        className="mono"
        value={value.reports}
        onChange={(e) => update({ reports: e.target.value })}
        placeholder="junit.xml"
        spellCheck={false}
        aria-describedby="test-reports-hint"
      />
      <p id="test-reports-hint" className="muted small">
        The JUnit XML or TAP files the tests write (glob patterns, separated by commas), read for each student&apos;s verdict, tests and points, and brought
        back with the result files. Empty: <code>{DEFAULT_REPORT_GLOBS.join(', ')}</code>.
      </p>
      <ZipPart id="hidden-tests" label="Hidden tests" file={value.tests} onChange={(tests) => update({ tests })}>
        Unpacked over each student&apos;s folder just before the commands: its files replace the student&apos;s.
      </ZipPart>
      <PointsTable rows={value.points} defaultPoints={value.defaultPoints} onChange={update} />
      <StudentsField value={value.students} onChange={(students) => update({ students })} />
      <ZipPart id="starter-code" label="Starter code" file={value.base} onChange={(base) => update({ base })}>
        What every student was given: left out of the similarity check, so only their own code is compared.
      </ZipPart>
    </details>
  );
}

/** A zip of the section: chosen, named with its size, removed. */
function ZipPart({
  id,
  label,
  file,
  onChange,
  children,
}: {
  id: string;
  label: string;
  file: File | null;
  onChange: (file: File | null) => void;
  children: string;
}) {
  // A new input when the file is removed: a file input cannot be emptied by React.
  const [generation, setGeneration] = useState(0);
  return (
    <div className="part-field">
      <label htmlFor={id}>
        {label} <span className="muted">(a .zip, optional)</span>
      </label>
      <div className="part-row">
        <input
          key={generation}
          id={id}
          type="file"
          accept=".zip,application/zip"
          onChange={(e) => onChange(e.target.files?.[0] ?? null)}
          aria-describedby={`${id}-hint`}
        />
        {file && (
          <span className="small chosen" data-testid={`${id}-chosen`}>
            {file.name} ({fileSize(file.size)}){' '}
            <button
              type="button"
              className="link small"
              onClick={() => {
                onChange(null);
                setGeneration((n) => n + 1);
              }}
            >
              Remove {label.toLowerCase()}
            </button>
          </span>
        )}
      </div>
      <p id={`${id}-hint`} className="muted small">
        {children}
      </p>
    </div>
  );
}

/** The students CSV: read here as text, its students counted, or why it cannot be used. */
function StudentsField({ value, onChange }: { value: GradingDraft['students']; onChange: (students: GradingDraft['students']) => void }) {
  const [error, setError] = useState<string | null>(null);
  const pick = async (file: File | undefined) => {
    if (!file) return onChange(null);
    const read = await readStudentsFile(file);
    setError('error' in read ? read.error : null);
    onChange('error' in read ? null : read);
  };
  return (
    <div className="part-field">
      <label htmlFor="students-csv">
        Students <span className="muted">(a CSV, optional)</span>
      </label>
      <input id="students-csv" type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.target.files?.[0])} aria-describedby="students-hint" />
      {value && (
        <p className="small chosen" data-testid="students-count" role="status">
          {value.count} {value.count === 1 ? 'student' : 'students'} in {value.name}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p id="students-hint" className="muted small">
        Which zip is whose: a header row <code>file,student,id,email</code>, then a row per zip. The gradebook, feedback and exports name the students; without
        it, each zip&apos;s name does.
      </p>
    </div>
  );
}
