import { useRef, useState, type KeyboardEvent } from 'react';
import type { NetworkSummary } from '../../../../shared/contract/networks.js';
import { getApi } from '../../api/client.js';
import { useCall, useEvent } from '../../api/hooks.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { openDialog } from '../../shell/dialogs.js';
import type { HostPageProps } from '../../shell/registry.js';
import { showToast } from '../../store/toasts.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { isolated } from '../../ui/Name.js';
import { addressesOf, modeKey, rangesOf } from './format.js';
import { NetworkDetails } from './NetworkDetails.js';
import '../host/host.css';
import './networks.css';

/** The Networks page: every network of the connection, the selected one's details below. */
export const NetworksPage = ({ connectionId }: HostPageProps) => {
  const t = useT();
  const list = useCall('networks.list', { connectionId });
  const { reload } = list;
  const [selected, setSelected] = useState<string | null>(null);
  const [detailsNonce, setDetailsNonce] = useState(0);
  const [busy, setBusy] = useState(false);
  const rows = useRef(new Map<string, HTMLTableRowElement>());
  useEvent('networks.changed', (p) => {
    if (p.connectionId !== connectionId) return;
    reload();
    setDetailsNonce((n) => n + 1);
  });
  const networks = list.data?.networks ?? [];
  // The chosen network, or the first one while none is chosen (or the chosen one went away).
  const current = networks.find((n) => n.name === selected) ?? networks[0] ?? null;

  const refresh = (): void => {
    reload();
    setDetailsNonce((n) => n + 1);
  };
  const run = async (what: string, name: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      showToast(t(`networks.failed.${what}`, { name: isolated(name) }), 'error', {
        detail: toApiError(e).message,
      });
    } finally {
      setBusy(false);
      refresh();
    }
  };
  const start = (n: NetworkSummary) =>
    void run('start', n.name, () =>
      getApi().call('networks.start', { connectionId, name: n.name, autostart: false }),
    );
  const stop = (n: NetworkSummary) =>
    void run('stop', n.name, () => getApi().call('networks.stop', { connectionId, name: n.name }));
  const autostart = (n: NetworkSummary) =>
    void run('autostart', n.name, () =>
      getApi().call('networks.setAutostart', { connectionId, name: n.name, autostart: !n.autostart }),
    );
  const remove = (n: NetworkSummary) =>
    openDialog({ kind: 'deleteNetwork', connectionId, network: n, onDone: refresh });

  const focusRow = (name: string | undefined): void => {
    if (!name) return;
    setSelected(name);
    rows.current.get(name)?.focus();
  };
  const onRowKey = (e: KeyboardEvent, n: NetworkSummary, i: number): void => {
    if (e.key === 'ArrowDown') focusRow(networks[i + 1]?.name);
    else if (e.key === 'ArrowUp') focusRow(networks[i - 1]?.name);
    else if (e.key === 'Home') focusRow(networks[0]?.name);
    else if (e.key === 'End') focusRow(networks[networks.length - 1]?.name);
    else if (e.key === 'Delete') remove(n);
    else return;
    e.preventDefault();
  };

  return (
    <div className="host-page networks-page" data-testid="networks-page">
      <div className="networks-toolbar">
        <h2>{t('networks.title')}</h2>
        <button
          type="button"
          className="btn suggested"
          data-testid="networks-new"
          onClick={() =>
            openDialog({
              kind: 'newNetwork',
              connectionId,
              onDone: (name) => {
                setSelected(name);
                refresh();
              },
            })
          }
        >
          {t('networks.new')}
        </button>
      </div>
      {list.error && (
        <FailureNote
          message={t('networks.failed.list')}
          detail={list.error.message}
          testId="networks-error"
        />
      )}
      {!list.data && !list.error && <Spinner label={t('networks.loading')} />}
      {list.data && networks.length === 0 && <p className="dim">{t('networks.none')}</p>}
      {networks.length > 0 && (
        <table className="host-table networks-table" data-testid="networks-table">
          <thead>
            <tr>
              <th>{t('networks.col.name')}</th>
              <th>{t('networks.col.state')}</th>
              <th>{t('networks.col.mode')}</th>
              <th className="wide-only">{t('networks.col.bridge')}</th>
              <th>{t('networks.col.addresses')}</th>
              <th className="wide-only">{t('networks.col.dhcp')}</th>
              <th>{t('networks.col.autostart')}</th>
              <th className="wide-only">{t('networks.col.vms')}</th>
            </tr>
          </thead>
          <tbody>
            {networks.map((n, i) => (
              <tr
                key={n.uuid}
                ref={(el) => {
                  if (el) rows.current.set(n.name, el);
                  else rows.current.delete(n.name);
                }}
                tabIndex={current?.name === n.name ? 0 : -1}
                aria-selected={current?.name === n.name}
                className={current?.name === n.name ? 'selected' : undefined}
                data-testid={`network-row-${n.name}`}
                onClick={() => setSelected(n.name)}
                onFocus={() => setSelected(n.name)}
                onKeyDown={(e) => onRowKey(e, n, i)}
              >
                <td className="name">{n.name}</td>
                <td>
                  <span className="net-state" data-active={n.active} data-testid="network-state">
                    {t(n.active ? 'networks.state.active' : 'networks.state.inactive')}
                  </span>
                </td>
                <td data-testid="network-mode">{t(modeKey(n.forwardMode))}</td>
                <td className="mono wide-only">{n.bridge ?? n.devices.join(', ') ?? '—'}</td>
                <td className="mono">{addressesOf(n).join(', ') || '—'}</td>
                <td className="mono wide-only">{rangesOf(n).join(', ') || '—'}</td>
                <td>{t(n.autostart ? 'networks.yes' : 'networks.no')}</td>
                <td className="wide-only">{n.vms.map((v) => v.name).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {current && (
        <section className="network-details" data-testid="network-details" aria-label={current.name}>
          <div className="networks-toolbar">
            <h3>{current.name}</h3>
            <div className="actions">
              {current.active ? (
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  data-testid="network-stop"
                  onClick={() => stop(current)}
                >
                  {t('networks.stop')}
                </button>
              ) : (
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  data-testid="network-start"
                  onClick={() => start(current)}
                >
                  {t('networks.start')}
                </button>
              )}
              <button
                type="button"
                className="btn"
                disabled={busy}
                data-testid="network-autostart"
                onClick={() => autostart(current)}
              >
                {t(current.autostart ? 'networks.autostartOff' : 'networks.autostartOn')}
              </button>
              <button
                type="button"
                className="btn destructive"
                disabled={busy}
                data-testid="network-delete"
                onClick={() => remove(current)}
              >
                {t('networks.delete')}
              </button>
            </div>
          </div>
          <NetworkDetails
            connectionId={connectionId}
            name={current.name}
            nonce={detailsNonce}
            onChanged={refresh}
          />
        </section>
      )}
    </div>
  );
};
