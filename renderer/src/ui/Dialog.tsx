import { useEffect, useRef, type ReactNode } from 'react';

/**
 * Modal dialog on the native <dialog> element: focus is trapped, Escape closes, focus returns to
 * where it was. Render it only while open.
 */
export const Dialog = ({
  title,
  onClose,
  children,
  buttons,
  wide,
  onSubmit,
  testId,
}: {
  /** A string, or a sentence holding isolated names (`tr` with `<Name>`). */
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  buttons: ReactNode;
  wide?: boolean;
  /** When set, the body is a form and Enter submits it. */
  onSubmit?: () => void;
  testId?: string;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const prev = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    const onCancel = (e: Event): void => {
      e.preventDefault();
      closeRef.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      prev?.focus?.();
    };
  }, []);
  const body = (
    <>
      <div className="dialog-body">
        <h2 id="dialog-title">{title}</h2>
        {children}
      </div>
      <div className="dialog-buttons">{buttons}</div>
    </>
  );
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' wide' : ''}`}
      aria-labelledby="dialog-title"
      data-testid={testId}
    >
      {onSubmit ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          {body}
        </form>
      ) : (
        body
      )}
    </dialog>
  );
};

/** Yes/no question; the confirm button is destructive-styled when `destructive`. */
export const ConfirmDialog = ({
  title,
  body,
  confirmLabel,
  cancelLabel,
  destructive,
  onConfirm,
  onClose,
}: {
  title: ReactNode;
  body: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) => (
  <Dialog
    title={title}
    onClose={onClose}
    testId="confirm-dialog"
    buttons={
      <>
        <button type="button" className="btn" onClick={onClose} autoFocus>
          {cancelLabel}
        </button>
        <button
          type="button"
          className={`btn ${destructive ? 'destructive' : 'suggested'}`}
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {confirmLabel}
        </button>
      </>
    }
  >
    {typeof body === 'string' ? <p>{body}</p> : body}
  </Dialog>
);
