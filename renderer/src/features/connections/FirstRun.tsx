import { useState } from 'react';
import { DEFAULT_CONNECTIONS } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { openDialog } from '../../shell/dialogs.js';
import { navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';
import { Icon, Spinner } from '../../ui/icons.js';
import { ReadinessCheck } from '../host/ReadinessPage.js';
import { showExisting } from './connectionActions.js';

/** Shown when no connection is saved: offers qemu:///system and qemu:///session, or a custom URI. */
export const FirstRun = () => {
  const t = useT();
  const [busy, setBusy] = useState<string | null>(null);
  const add = async (c: (typeof DEFAULT_CONNECTIONS)[number]): Promise<void> => {
    setBusy(c.uri);
    try {
      const entry = await getApi().call('connections.add', { ...c, autoconnect: true, connect: true });
      navigate({ kind: 'vms', connectionId: entry.id });
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'duplicate' && err.existingId) showExisting(err.existingId);
      else showToast(t('connections.add.failed', { uri: c.uri }), 'error', { detail: err.message });
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="empty" data-testid="first-run">
      <Icon name="computer" className="big-icon" />
      <h1>{t('firstRun.title')}</h1>
      <p className="dim">{t('firstRun.body')}</p>
      <div className="choice-list boxed-list">
        {DEFAULT_CONNECTIONS.map((c) => (
          <button
            key={c.uri}
            type="button"
            className="row"
            onClick={() => void add(c)}
            disabled={busy !== null}
          >
            <Icon name="server" />
            <span className="label">
              {c.uri === 'qemu:///system' ? t('firstRun.system') : t('firstRun.session')}
              <span className="sub mono">{c.uri}</span>
            </span>
            {busy === c.uri ? <Spinner /> : <Icon name="plus" />}
          </button>
        ))}
        <button type="button" className="row" onClick={() => openDialog({ kind: 'addConnection' })}>
          <Icon name="link" />
          <span className="label">
            {t('firstRun.custom')}
            <span className="sub">{t('firstRun.customHint')}</span>
          </span>
          <Icon name="plus" />
        </button>
      </div>
      {/* First run: tell at once whether this machine can run KVM guests, and how to fix it if not. */}
      <ReadinessCheck uri="qemu:///system" />
    </div>
  );
};
