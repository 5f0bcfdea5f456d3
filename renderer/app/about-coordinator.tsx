/**
 * One line about this coordinator: its version and the certificate fingerprint an admin compares with the browser's.
 * A landmark of its own (complementary), so a screen reader's landmark list reaches it: the sticky top bar
 * (the banner) cannot hold it without sticking a fingerprint of three lines over a phone's page.
 */
import { displayFingerprint } from '../../shared/fingerprint.ts';
import type { CoordinatorInfo } from '../lib/api.ts';

export function AboutCoordinator({ info }: { info: CoordinatorInfo }) {
  return (
    <aside className="about small" aria-label="This coordinator" data-testid="about">
      <span>Coordinator {info.version}</span>
      {info.fingerprint ? (
        <span title="Compare it with the certificate your browser shows for this page (the padlock or 'Not secure' beside the address).">
          Certificate SHA-256{' '}
          <span className="mono" data-testid="fingerprint">
            {displayFingerprint(info.fingerprint)}
          </span>
        </span>
      ) : (
        <span>Plain HTTP (started with --no-tls): no certificate to compare.</span>
      )}
    </aside>
  );
}
