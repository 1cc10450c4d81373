import { useState } from 'react';
import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { useT } from '../../i18n/index.js';
import { openDialog } from '../../shell/dialogs.js';
import { getRegistry } from '../../shell/registry.js';
import { useConnections } from '../../store/connections.js';
import { navigate, useRoute } from '../../store/route.js';
import { useVmListVersion, vmStore } from '../../store/vms.js';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { Icon, Spinner } from '../../ui/icons.js';
import { MenuButton } from '../../ui/Menu.js';
import { Name, tr } from '../../ui/Name.js';
import { connect, disconnect, removeConnection } from './connectionActions.js';
import { problemOf, statusText } from './statusText.js';

const VmCount = ({ connectionId }: { connectionId: string }) => {
  useVmListVersion(connectionId);
  const n = vmStore(connectionId).size;
  return n > 0 ? <span className="count">{n}</span> : null;
};

const ConnectionGroup = ({ c }: { c: ConnectionEntry }) => {
  const t = useT();
  const route = useRoute();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const live = c.status.state === 'connected';
  const busy = c.status.state === 'connecting' || c.status.state === 'reconnecting';
  const dotClass = c.status.state === 'disconnected' && problemOf(c) ? 'lost' : c.status.state;
  const current = (kind: string, extra?: string): 'page' | undefined =>
    (route.kind === kind || (kind === 'vms' && route.kind === 'vm')) &&
    'connectionId' in route &&
    route.connectionId === c.id &&
    (extra === undefined || (route.kind === 'host' && route.pageId === extra))
      ? 'page'
      : undefined;
  return (
    <section className="conn-group" aria-label={c.name} data-testid={`conn-${c.id}`}>
      <div className="conn-header">
        <span className={`status-dot ${dotClass}`} aria-hidden="true" />
        <span className="name" title={c.uri}>
          <Name>{c.name}</Name>
          <span className="conn-status" data-testid="conn-status">
            {statusText(t, c)}
          </span>
        </span>
        {busy && <Spinner />}
        {live || busy ? (
          <button
            type="button"
            className="btn flat icon small"
            aria-label={t('connections.disconnect', { name: c.name })}
            title={t('connections.disconnectShort')}
            onClick={() => void disconnect(c.id)}
          >
            <Icon name="unlink" />
          </button>
        ) : (
          <button
            type="button"
            className="btn flat icon small"
            aria-label={t('connections.connect', { name: c.name })}
            title={t('connections.connectShort')}
            onClick={() => void connect(c.id)}
          >
            <Icon name="link" />
          </button>
        )}
        <MenuButton
          label={t('connections.menu', { name: c.name })}
          items={[
            {
              label: t('connections.editEllipsis'),
              onSelect: () => openDialog({ kind: 'editConnection', existing: c }),
            },
            { label: t('connections.removeEllipsis'), onSelect: () => setConfirmRemove(true) },
          ]}
        />
      </div>
      <button
        type="button"
        className="nav-row"
        aria-current={current('vms')}
        onClick={() => navigate({ kind: 'vms', connectionId: c.id })}
      >
        <Icon name="computer" />
        {t('nav.vms')}
        <VmCount connectionId={c.id} />
      </button>
      {getRegistry().hostPages.map((p) => (
        <button
          key={p.id}
          type="button"
          className="nav-row"
          aria-current={current('host', p.id)}
          onClick={() => navigate({ kind: 'host', connectionId: c.id, pageId: p.id })}
        >
          <Icon name={p.icon ?? 'server'} />
          {t(p.titleKey)}
        </button>
      ))}
      {confirmRemove && (
        <ConfirmDialog
          title={tr('connections.remove.title', { name: <Name>{c.name}</Name> })}
          body={t('connections.remove.body')}
          confirmLabel={t('connections.remove.confirm')}
          cancelLabel={t('common.cancel')}
          destructive
          onConfirm={() => {
            void removeConnection(c.id);
            if ('connectionId' in route && route.connectionId === c.id) navigate({ kind: 'home' });
          }}
          onClose={() => setConfirmRemove(false)}
        />
      )}
    </section>
  );
};

/** The sidebar's content: each saved connection with its state, actions and pages. */
export const ConnectionList = () => {
  const { list } = useConnections();
  return (
    <>
      {list.map((c) => (
        <ConnectionGroup key={c.id} c={c} />
      ))}
    </>
  );
};
