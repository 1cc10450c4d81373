import { useCallback } from 'react';
import { getApi } from '../../api/client.js';
import type { HostPageProps, VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { TerminalView } from './TerminalView.js';
import './console.css';

/** The VM's serial/text console (virsh console in a pty, or libvirt's console stream). */
export const ConsoleTab = ({ connectionId, vmUuid, state }: VmTabProps) => {
  const t = useT();
  const active = state === 'running' || state === 'paused' || state === 'blocked';
  const open = useCallback(
    (size: { cols: number; rows: number }) =>
      getApi().call('console.openSerial', { connectionId, vmUuid, ...size }),
    [connectionId, vmUuid],
  );
  if (!active) {
    return (
      <div className="display-offer dim" data-testid="vm-console-not-running">
        {t('console.notRunning')}
      </div>
    );
  }
  const key = `${connectionId}|${vmUuid}`;
  return <TerminalView key={key} open={open} openKey={key} testId="vm-console" />;
};

/** A shell on the connection's host (local login shell, or ssh for qemu+ssh connections). */
export const HostTerminalPage = ({ connectionId }: HostPageProps) => {
  const open = useCallback(
    (size: { cols: number; rows: number }) => getApi().call('console.openHost', { connectionId, ...size }),
    [connectionId],
  );
  return <TerminalView key={connectionId} open={open} openKey={connectionId} testId="host-terminal" />;
};
