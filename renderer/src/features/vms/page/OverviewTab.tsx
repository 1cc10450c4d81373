import { useState } from 'react';
import { useCall } from '../../../api/hooks.js';
import { useT } from '../../../i18n/index.js';
import type { VmTabProps } from '../../../shell/registry.js';
import { navigate } from '../../../store/route.js';
import { useVm } from '../../../store/vms.js';
import { Icon, Spinner } from '../../../ui/icons.js';
import { StateLabel } from '../list/StateLabel.js';
import { formatBytes, formatKiB } from '../list/vmList.js';
import { VmActionButtons } from './VmActionButtons.js';

const Row = ({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) => (
  <li>
    <span className="label">{label}</span>
    <span className="value" data-testid={testId}>
      {value}
    </span>
  </li>
);

/** The first tab of a VM: actions, general facts, disks, network interfaces, a link to its XML. */
export const OverviewTab = ({ connectionId, vmUuid, state }: VmTabProps) => {
  const t = useT();
  const vm = useVm(connectionId, vmUuid);
  // Re-fetch details when the state changes (IPs appear once running, disks may change).
  const details = useCall('vms.details', { connectionId, uuid: vmUuid });
  const [stateSeen, setStateSeen] = useState(state);
  if (stateSeen !== state) {
    setStateSeen(state);
    details.reload();
  }
  if (!vm) return null;
  const d = details.data;
  return (
    <div className="clamp" data-testid="vm-overview">
      <VmActionButtons vm={vm} />
      {details.error && (
        <p className="error-text" role="alert">
          {details.error.message}
        </p>
      )}
      <div className="section-title">{t('overview.general')}</div>
      <ul className="boxed-list">
        <Row label={t('overview.state')} value={<StateLabel vm={vm} />} testId="overview-state" />
        <Row label={t('overview.os')} value={vm.osName ?? vm.osId ?? t('overview.unknown')} />
        <Row
          label={t('overview.cpu')}
          value={
            d
              ? [
                  t('overview.vcpus', { n: d.cpu.vcpus, max: d.cpu.maxVcpus }),
                  d.cpu.mode,
                  d.cpu.model,
                  d.cpu.sockets ? `${d.cpu.sockets}×${d.cpu.cores ?? 1}×${d.cpu.threads ?? 1}` : null,
                ]
                  .filter(Boolean)
                  .join(' · ')
              : t('overview.vcpus', { n: vm.vcpus, max: vm.vcpus })
          }
        />
        <Row label={t('overview.memory')} value={`${formatKiB(vm.memory)} / ${formatKiB(vm.maxMemory)}`} />
        {d && (
          <Row
            label={t('overview.machine')}
            value={[d.arch, d.machine, d.firmware.toUpperCase()].filter(Boolean).join(' · ')}
          />
        )}
        <Row label={t('overview.autostart')} value={vm.autostart ? t('common.on') : t('common.off')} />
        <Row label="UUID" value={<span className="mono">{vm.uuid}</span>} />
        {d?.description && <Row label={t('overview.description')} value={d.description} />}
      </ul>
      <div className="section-title">{t('overview.disks')}</div>
      <ul className="boxed-list" data-testid="overview-disks">
        {!d ? (
          <li>{details.loading ? <Spinner label={t('common.loading')} /> : '—'}</li>
        ) : d.disks.length === 0 ? (
          <li className="dim">{t('overview.none')}</li>
        ) : (
          d.disks.map((disk) => (
            <li key={disk.target}>
              <span className="label">
                {disk.target}{' '}
                <span className="dim">
                  ({disk.device}
                  {disk.bus ? `, ${disk.bus}` : ''})
                </span>
                <span className="sub mono">{disk.source ?? t('overview.empty')}</span>
              </span>
              <span className="value">
                {[
                  disk.format,
                  disk.capacity !== null ? formatBytes(disk.capacity) : null,
                  disk.readonly ? t('delete.readonly') : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))
        )}
      </ul>
      <div className="section-title">{t('overview.nics')}</div>
      <ul className="boxed-list" data-testid="overview-nics">
        {!d ? (
          <li>—</li>
        ) : d.nics.length === 0 ? (
          <li className="dim">{t('overview.none')}</li>
        ) : (
          d.nics.map((nic, i) => (
            <li key={nic.mac ?? i}>
              <span className="label">
                <span className="mono">{nic.mac ?? '—'}</span>
                <span className="sub">
                  {[nic.type, nic.source, nic.model, nic.target].filter(Boolean).join(' · ')}
                </span>
              </span>
              <span className="value mono">
                {nic.addresses.length
                  ? nic.addresses
                      .map((a) => `${a.address}${a.prefix !== null ? `/${a.prefix}` : ''}`)
                      .join(', ')
                  : t('overview.noIp')}
              </span>
            </li>
          ))
        )}
      </ul>
      <p>
        <button
          type="button"
          className="btn small"
          data-testid="overview-edit-xml"
          onClick={() => navigate({ kind: 'vm', connectionId, uuid: vmUuid, tab: 'xml' })}
        >
          <Icon name="edit" />
          {t('xmleditor.editLink')}
        </button>
      </p>
    </div>
  );
};
