import { useCallback, useState } from 'react';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { upsertVm } from '../../store/vms.js';
import type { HostPageProps, VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { TerminalView } from './TerminalView.js';
import './console.css';

/** The VM's serial/text console (virsh console in a pty, or libvirt's console stream). */
export const ConsoleTab = ({ connectionId, vmUuid, state }: VmTabProps) => {
  const active = state === 'running' || state === 'paused' || state === 'blocked';
  const open = useCallback(
    (size: { cols: number; rows: number }) =>
      getApi().call('console.openSerial', { connectionId, vmUuid, ...size }),
    [connectionId, vmUuid],
  );
  if (!active) return <StartOffer connectionId={connectionId} vmUuid={vmUuid} />;
  const key = `${connectionId}|${vmUuid}`;
  return <TerminalView key={key} open={open} openKey={key} testId="vm-console" />;
};

/** The status page of a VM that is not running carries its next action: Start (the console then opens). */
const StartOffer = ({ connectionId, vmUuid }: { connectionId: string; vmUuid: string }) => {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const vm = await getApi().call('vms.action', { connectionId, uuid: vmUuid, action: 'start' });
      if (vm) upsertVm(vm); // running now: the tab shows the console
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="display-offer status-page" data-testid="vm-console-not-running">
      <p>{t('console.notRunning')}</p>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="btn suggested"
        disabled={busy}
        onClick={() => void start()}
        data-testid="console-start"
      >
        {busy ? t('display.starting') : t('display.start')}
      </button>
    </div>
  );
};

/** A shell on the connection's host (local login shell, or ssh for qemu+ssh connections). */
export const HostTerminalPage = ({ connectionId }: HostPageProps) => {
  const open = useCallback(
    (size: { cols: number; rows: number }) => getApi().call('console.openHost', { connectionId, ...size }),
    [connectionId],
  );
  return <TerminalView key={connectionId} open={open} openKey={connectionId} testId="host-terminal" />;
};
