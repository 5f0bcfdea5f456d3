/** The end of a dialog's form: what went wrong (announced), Cancel, and the submit button that says while it works. */
export function FormFooter({
  error,
  errorTestId,
  busy,
  label,
  busyLabel,
  onCancel,
}: {
  error: string | null;
  errorTestId: string;
  busy: boolean;
  label: string;
  busyLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      {error && (
        <p className="error" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
      <div className="actions end">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}
