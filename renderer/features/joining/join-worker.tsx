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
  const [withToken, setWithToken] = useState(true);
  const lines = info.joinLines.find((l) => l.address === address) ?? info.joinLines[0];
  const hasToken = info.joinToken !== null;
  const line = lines && (hasToken && withToken ? lines.withToken : lines.withoutToken);

  return (
    <Modal labelledBy="join-title" onClose={onClose} className="join-dialog">
      <h2 id="join-title">Add a worker</h2>
      <p className="muted">
        On the lab PC, install CMD Executor, choose <strong>Worker</strong> and paste a join line, or run a command below. The line carries this
        coordinator&apos;s certificate fingerprint, so the PC talks to this coordinator and no other.
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
      {!lines || !line ? (
        <p className="error">This coordinator listens on no address another PC can reach; start it with --host 0.0.0.0.</p>
      ) : (
        <>
          {hasToken && (
            <>
              <CopyField
                text={lines.withToken}
                caption="With the join token: the PC joins at once"
                name="join line with the token"
                testId="join-line-with-token"
              />
            </>
          )}
          <CopyField
            text={lines.withoutToken}
            caption={hasToken ? 'Without a token: the PC asks; you approve it here' : 'Join line'}
            name="join line without a token"
            testId="join-line-without-token"
          />
          {hasToken && (
            <fieldset className="modes">
              <legend>The commands below use the line</legend>
              <label>
                <input type="radio" name="join-with" checked={withToken} onChange={() => setWithToken(true)} /> with the join token
              </label>
              <label>
                <input type="radio" name="join-with" checked={!withToken} onChange={() => setWithToken(false)} /> without a token
              </label>
            </fieldset>
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
        </>
      )}
      {info.auth && <JoinTokenControls policy={info.joinTokenPolicy} now={now} onRotated={onChanged} />}
      <div className="actions end">
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
