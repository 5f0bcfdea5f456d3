/** "Add a worker": the join lines (address, certificate fingerprint, maybe the join token) and the commands built from them. */
import { useState } from 'react';
import { CopyField } from '../../components/copy-field.tsx';
import { Modal } from '../../components/modal.tsx';
import type { CoordinatorInfo } from '../../lib/api.ts';
import { JoinTokenControls } from './join-token.tsx';

// Single quotes: the line's `&` and `?` must reach the program untouched by the shell.
const desktopCommand = (line: string) => `cmd-executor --mode worker --join '${line}' --hidden --open-at-login`;
const headlessCommand = (line: string) => `cmdx worker --join '${line}'`;

export function JoinWorker({ info, now, onChanged, onClose }: { info: CoordinatorInfo; now: number; onChanged: () => void; onClose: () => void }) {
  const [address, setAddress] = useState(info.joinLines[0]?.address ?? '');
  const lines = info.joinLines.find((l) => l.address === address) ?? info.joinLines[0];
  return (
    <Modal labelledBy="join-title" onClose={onClose} className="join-dialog">
      <h2 id="join-title">Add a worker</h2>
      <p className="muted">
        On the lab PC, install CMD Executor (the installer puts the <code>cmdx</code> command there too), choose <strong>Worker</strong> and paste this line. It
        carries this coordinator&apos;s certificate fingerprint, so the PC talks to this coordinator and no other.
      </p>
      {info.joinLines.length > 1 && (
        <>
          <label htmlFor="join-address">Address the PC reaches this coordinator at</label>
          <select id="join-address" value={address} onChange={(e) => setAddress(e.target.value)}>
            {info.joinLines.map((l) => (
              <option key={l.address}>{l.address}</option>
            ))}
          </select>
        </>
      )}
      {lines ? (
        <JoinLines lines={lines} hasToken={info.joinToken !== null} />
      ) : (
        <p className="error">This coordinator listens on no address another PC can reach; start it with --host 0.0.0.0.</p>
      )}
      {info.auth && (
        <details className="join-more">
          <summary>The join token: a new one, for how many PCs, until when</summary>
          <JoinTokenControls policy={info.joinTokenPolicy} now={now} onRotated={onChanged} />
        </details>
      )}
      <div className="actions end">
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

/** The recommended line first (with the token when there is one: the PC joins at once); the other line and the commands on request. */
function JoinLines({ lines, hasToken }: { lines: CoordinatorInfo['joinLines'][number]; hasToken: boolean }) {
  const [withToken, setWithToken] = useState(true);
  const line = hasToken && withToken ? lines.withToken : lines.withoutToken;
  return (
    <>
      {hasToken ? (
        <CopyField
          text={lines.withToken}
          caption="Join line (with the join token: the PC joins at once)"
          name="join line with the token"
          testId="join-line-with-token"
        />
      ) : (
        <CopyField text={lines.withoutToken} caption="Join line" name="join line without a token" testId="join-line-without-token" />
      )}
      <details className="join-more" data-testid="join-more">
        <summary>Other ways: {hasToken ? 'a line the admin approves, ' : ''}an unattended install, a headless worker</summary>
        {hasToken && (
          <>
            <CopyField
              text={lines.withoutToken}
              caption="Without a token: the PC asks; you approve it here"
              name="join line without a token"
              testId="join-line-without-token"
            />
            <fieldset className="modes">
              <legend>The commands below use the line</legend>
              <label>
                <input type="radio" name="join-with" checked={withToken} onChange={() => setWithToken(true)} /> with the join token
              </label>
              <label>
                <input type="radio" name="join-with" checked={!withToken} onChange={() => setWithToken(false)} /> without a token
              </label>
            </fieldset>
          </>
        )}
        <CopyField
          text={desktopCommand(line)}
          caption="Unattended install (desktop app, starts hidden at every login)"
          name="desktop app command"
          testId="desktop-command"
        />
        <CopyField
          text={headlessCommand(line)}
          caption="Headless worker (no window; cmdx comes with CMD Executor)"
          name="headless command"
          testId="headless-command"
        />
      </details>
    </>
  );
}
