/** What the admin can do to a run from its page (cancel, re-run the failed jobs, download its files, export CSV), one at a time, each ending in a notice or an error. */
import { useState } from 'react';
import { useApi } from '../../lib/api-context.tsx';
import { navigate } from '../../lib/navigate.ts';
import { saveBlob } from '../../lib/save-file.ts';

export interface RunActions {
  /** An action is on its way: the buttons wait. */
  busy: boolean;
  notice: { text: string; failed: boolean } | null;
  cancel: () => void;
  rerunFailed: () => void;
  downloadFiles: () => void;
  exportCsv: () => void;
  rename: (name: string | null) => void;
}

/** `reload`: reads the run again after an action, so the page shows what it changed. */
export function useRunActions(runId: string, reload: () => void): RunActions {
  const api = useApi();
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<string | void>) => {
    setBusy(true);
    try {
      const text = await what();
      if (text) setNotice({ text, failed: false });
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
  };

  return {
    busy,
    notice,
    cancel: () =>
      void act(async () => {
        const r = await api.cancelRun(runId);
        return `Cancelled ${r.cancelled} waiting ${r.cancelled === 1 ? 'job' : 'jobs'}${r.cancelling ? `; ${r.cancelling} running ${r.cancelling === 1 ? 'job stops' : 'jobs stop'} when ${r.cancelling === 1 ? 'its PC confirms' : 'their PCs confirm'}` : ''}.`;
      }),
    rerunFailed: () =>
      void act(async () => {
        const created = await api.rerunRun(runId, 'failed');
        navigate(`#/runs/${created.runId}`);
      }),
    downloadFiles: () => void act(() => save(api.downloadRunArtifacts(runId))),
    exportCsv: () => void act(() => save(api.exportRun(runId, 'csv'))),
    rename: (name) =>
      void act(async () => {
        await api.renameRun(runId, name);
        return name ? `Named "${name}".` : 'The name is removed.';
      }),
  };
}
