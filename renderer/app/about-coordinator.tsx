/**
 * One line about this coordinator: its version and the certificate fingerprint an admin compares with the browser's.
 * A landmark of its own (complementary), so a screen reader's landmark list reaches it: the sticky top bar
 * (the banner) cannot hold it without sticking a fingerprint of three lines over a phone's page.
 */
import { useState } from 'react';
import { displayFingerprint } from '../../shared/fingerprint.ts';
import type { CoordinatorInfo } from '../lib/api.ts';

export function AboutCoordinator({ info }: { info: CoordinatorInfo }) {
  // On a phone the whole fingerprint takes three lines above every page: its start, and the rest on a tap.
  const [whole, setWhole] = useState(false);
  return (
    <aside className={`about small ${whole ? 'fingerprint-whole' : ''}`} aria-label="This coordinator" data-testid="about">
      <span className="about-version">Coordinator {info.version}</span>
      {info.fingerprint ? (
        <span title="Compare it with the certificate your browser shows for this page (the padlock or 'Not secure' beside the address).">
          <span className="about-word">Certificate </span>SHA-256{' '}
          <span className="mono" data-testid="fingerprint">
            {displayFingerprint(info.fingerprint)}
          </span>
          <span className="mono fingerprint-start" aria-hidden="true">
            {displayFingerprint(info.fingerprint).slice(0, 23)}…
          </span>{' '}
          <button type="button" className="link fingerprint-toggle" aria-expanded={whole} onClick={() => setWhole(!whole)}>
            {whole ? 'less' : 'show all'}
          </button>
        </span>
      ) : (
        <span>Plain HTTP (started with --no-tls): no certificate to compare.</span>
      )}
    </aside>
  );
}
