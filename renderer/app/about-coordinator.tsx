/** One line about this coordinator: its version and the certificate fingerprint an admin compares with the browser's. */
import { displayFingerprint } from '../../shared/fingerprint.ts';
import type { CoordinatorInfo } from '../lib/api.ts';

export function AboutCoordinator({ info }: { info: CoordinatorInfo }) {
  return (
    <p className="about small" data-testid="about">
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
    </p>
  );
}
