/**
 * What the teacher does from the gradebook: comment on a student, re-run one student, the failing
 * ones, or everyone with new hidden tests (each a new run linked to this one, whose results the
 * gradebook shows as they come), and download the feedback and the grade files. Each ends in a notice.
 */
import { useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import { saveBlob } from '../../lib/save-file.ts';

export type GradeFile = 'feedback' | 'moodle' | 'canvas' | 'csv';

export interface GradebookNotice {
  text: string;
  failed: boolean;
  /** The run a re-run made, linked from the notice. */
  runId?: string;
}

export interface GradebookActions {
  busy: boolean;
  notice: GradebookNotice | null;
  /** Saves (or with null removes) a student's comment; rejects with the coordinator's sentence. */
  comment: (jobId: string, comment: string | null) => Promise<void>;
  /** A new run of these jobs of this run; `who` names them in the notice. */
  rerun: (jobIds: string[], who: string) => void;
  /** Every student again with new hidden tests; rejects with the coordinator's sentence. */
  rerunWithTests: (tests: File, onProgress: (fraction: number) => void) => Promise<void>;
  download: (file: GradeFile) => void;
}

const RERUN_NOTE = 'this gradebook shows the new results as they come.';

/** `reload`: reads the run again after an action, so the gradebook shows what it changed. */
export function useGradebookActions(runId: string, reload: () => void): GradebookActions {
  const api = useApi();
  const [notice, setNotice] = useState<GradebookNotice | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<GradebookNotice | null>) => {
    setBusy(true);
    try {
      const done = await what();
      if (done) setNotice(done);
      reload();
    } catch (e) {
      setNotice({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };
  const save = async (download: Promise<{ blob: Blob; fileName: string }>) => {
    const { blob, fileName } = await download;
    saveBlob(blob, fileName);
    return null;
  };
  const files: Record<GradeFile, () => Promise<null>> = {
    feedback: () => save(api.downloadFeedback(runId)),
    moodle: () => save(api.exportRun(runId, 'moodle')),
    canvas: () => save(api.exportRun(runId, 'canvas')),
    csv: () => save(api.exportRun(runId, 'csv')),
  };

  return {
    busy,
    notice,
    comment: async (jobId, comment) => {
      await api.comment(jobId, comment);
      setNotice({ text: comment ? 'Comment saved.' : 'Comment removed.', failed: false });
      reload();
    },
    rerun: (jobIds, who) =>
      void act(async () => {
        const created = await api.rerunRun(runId, 'failed', jobIds);
        return { text: `Running ${who} again: ${RERUN_NOTE}`, failed: false, runId: created.runId };
      }),
    rerunWithTests: async (tests, onProgress) => {
      const created = await api.rerunWithTests(runId, tests, onProgress);
      setNotice({ text: `Running every student again with ${tests.name}: ${RERUN_NOTE}`, failed: false, runId: created.runId });
      reload();
    },
    download: (file) => void act(files[file]),
  };
}
