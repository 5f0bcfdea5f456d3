/**
 * A modal on the native <dialog> element: showModal() makes the page behind it inert (focus stays
 * inside), Esc and a click beside it close it, and focus starts on the first field, not on a button
 * such as Done that would be pressed by a stray Enter.
 */
import { useEffect, useRef, type ReactNode } from 'react';

const FIELDS = 'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';

export function Modal({
  labelledBy,
  onClose,
  className,
  children,
  testId,
}: {
  /** The id of the heading that names the dialog. */
  labelledBy: string;
  /** Called on Esc and on a click beside the dialog; the parent unmounts it. */
  onClose: () => void;
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first focusable element, a button maybe: prefer a field, else the element marked for it.
    const first = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>(FIELDS);
    first?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault(); // React unmounts it; the browser must not close it behind React's back
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      data-testid={testId}
      // A click on the backdrop lands on the <dialog> itself; clicks on its content land on the body inside.
      onClick={(e) => e.target === e.currentTarget && close.current()}
    >
      <div className="modal-body">{children}</div>
    </dialog>
  );
}
