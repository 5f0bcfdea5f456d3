/** Text to copy, in a read-only field: Copy uses the clipboard when it may, else selects the text and asks for Ctrl+C. */
import { useId, useRef, useState } from 'react';
import { Icon } from './icons.tsx';

/** `caption` labels the field on screen; `name` says what the Copy button copies ("Copy join line"). */
export function CopyField({ text, caption, name, testId }: { text: string; caption: string; name: string; testId?: string }) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  // Which text the last attempt was about, so a changed text does not show the old outcome.
  const [outcome, setOutcome] = useState<{ text: string; copied: boolean } | null>(null);
  const shown = outcome?.text === text ? outcome : null;

  const copy = async () => {
    // Missing on a page served over plain HTTP to another PC (not a secure context).
    const clipboard = navigator.clipboard as Clipboard | undefined;
    try {
      if (!clipboard) throw new Error('no clipboard');
      await clipboard.writeText(text);
      setOutcome({ text, copied: true });
    } catch {
      field.current?.focus();
      field.current?.select();
      setOutcome({ text, copied: false });
    }
  };

  return (
    <div className="copy-field">
      <label htmlFor={id}>{caption}</label>
      <div className="copy-row">
        <textarea ref={field} id={id} readOnly rows={1} spellCheck={false} value={text} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
        <button className="secondary small" aria-label={`Copy ${name}`} onClick={() => void copy()}>
          {shown?.copied ? (
            <>
              Copied <Icon name="check" />
            </>
          ) : (
            'Copy'
          )}
        </button>
      </div>
      {shown && !shown.copied && (
        <p className="small copy-manual" role="status">
          Press Ctrl+C to copy (Cmd+C on a Mac): the text is selected, as this page may not use the clipboard.
        </p>
      )}
    </div>
  );
}
