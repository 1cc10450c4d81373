import { useT } from '../i18n/index.js';
import { dismissToast, holdToast, useToasts } from '../store/toasts.js';
import { Icon } from './icons.js';

export const Toasts = () => {
  const toasts = useToasts();
  const t = useT();
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast ${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : undefined}
          data-testid={toast.kind === 'error' ? 'toast-error' : 'toast'}
          onMouseEnter={() => holdToast(toast.id, true)}
          onMouseLeave={() => holdToast(toast.id, false)}
          onFocus={() => holdToast(toast.id, true)}
        >
          <div className="msg">
            {toast.message}
            {toast.detail && (
              <details className="toast-detail" data-testid="toast-detail">
                <summary>{t('common.details')}</summary>
                <span className="mono">{toast.detail}</span>
              </details>
            )}
          </div>
          {toast.action && (
            <button
              type="button"
              className="btn small toast-action"
              data-testid="toast-action"
              onClick={() => {
                dismissToast(toast.id);
                toast.action!.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            className="btn flat icon small"
            aria-label={t('common.dismiss')}
            onClick={() => dismissToast(toast.id)}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
};
