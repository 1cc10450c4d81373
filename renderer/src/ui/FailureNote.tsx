import { useT } from '../i18n/index.js';

/**
 * A failure shown inside a dialog the way toasts show it: one sentence about the person's object, and
 * libvirt's own text behind "Details" (it is precise, but rarely the first thing to read).
 */
export const FailureNote = ({
  message,
  detail,
  testId,
}: {
  message: string;
  detail?: string | undefined;
  testId?: string;
}) => {
  const t = useT();
  return (
    <div className="error-text" role="alert" data-testid={testId}>
      {message}
      {detail && detail !== message && (
        <details className="toast-detail" data-testid={testId ? `${testId}-detail` : undefined}>
          <summary>{t('common.details')}</summary>
          <span className="mono">{detail}</span>
        </details>
      )}
    </div>
  );
};
