/** A password or token the coordinator shows once: a field to copy it from, and the sentence that it will not be shown again. */
import type { ReactNode } from 'react';
import { CopyField } from '../../components/copy-field.tsx';

export function SecretOnce({ caption, name, secret, children }: { caption: string; name: string; secret: string; children?: ReactNode }) {
  return (
    <div className="secret-once" data-testid="secret-once">
      <CopyField text={secret} caption={caption} name={name} testId="secret-value" />
      <p className="notice small">Shown only this once: copy it now, it cannot be shown again. {children}</p>
    </div>
  );
}
