import { useState } from 'react';
import type { VmSummary } from '../../../shared/contract/index.js';
import { useCall } from '../api/hooks.js';
import { Icon, Spinner } from '../components/icons.js';
import { vmTabs, type VmTabProps } from '../extensions.js';
import { useT } from '../i18n/index.js';
import { actionIcon, allowedActions } from '../logic/lifecycle.js';
import { formatBytes, formatKiB } from '../logic/vmList.js';
import { triggerAction } from '../store/actions.js';
import { showToast } from '../store/toasts.js';
import { navigate } from '../store/route.js';
import { useBusy, useVm } from '../store/vms.js';
import { StateLabel } from './VmList.js';
import { VmActionsMenu } from './VmActionsMenu.js';

const Row = ({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) => (
  <li>
    <span className="label">{label}</span>
    <span className="value" data-testid={testId}>
      {value}
    </span>
  </li>
);

export const VmActionButtons = ({ vm }: { vm: VmSummary }) => {
  const t = useT();
  const busy = useBusy(vm.connectionId, vm.uuid);
  return (
    <div className="vm-actions" role="toolbar" aria-label={t('vm.actions')}>
      {allowedActions(vm).map((a) => (
        <button
          key={a}
          type="button"
          className={`btn${a === 'start' || a === 'restore' || a === 'resume' ? ' suggested' : ''}`}
          disabled={!!busy}
          data-testid={`action-${a}`}
          onClick={() => triggerAction(vm.connectionId, [vm.uuid], a)}
        >
          {busy === a ? <Spinner /> : <Icon name={actionIcon[a]} />}
          {t(`action.${a}`)}
          {a === 'destroy' || a === 'reset' ? '…' : ''}
        </button>
      ))}
    </div>
  );
};

const Overview = ({ connectionId, vmUuid, state }: VmTabProps) => {
  const t = useT();
  const vm = useVm(connectionId, vmUuid);
  // Re-fetch details when the state changes (IPs appear once running, disks may change).
  const details = useCall('vms.details', { connectionId, uuid: vmUuid });
  const [stateSeen, setStateSeen] = useState(state);
  if (stateSeen !== state) {
    setStateSeen(state);
    details.reload();
  }
  const xml = useCall('vms.xml', { connectionId, uuid: vmUuid, inactive: false });
  if (!vm) return null;
  const d = details.data;
  const copyXml = (): void => {
    if (!xml.data) return;
    navigator.clipboard.writeText(xml.data.xml).then(
      () => showToast(t('overview.xmlCopied')),
      () => showToast(t('overview.copyFailed'), 'error'),
    );
  };
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
        <Row label={t('overview.state')} value={<StateLabel state={vm.state} />} testId="overview-state" />
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
      <div className="section-title" style={{ display: 'flex', alignItems: 'center' }}>
        <span style={{ flex: 1 }}>{t('overview.xml')}</span>
        <button type="button" className="btn small" onClick={copyXml} disabled={!xml.data}>
          <Icon name="copy" />
          {t('overview.copy')}
        </button>
      </div>
      <pre className="xml" tabIndex={0} aria-label={t('overview.xml')} data-testid="vm-xml">
        {xml.data?.xml ?? (xml.error ? xml.error.message : '…')}
      </pre>
    </div>
  );
};

const overviewTab = { id: 'overview', titleKey: 'vm.tab.overview', component: Overview };

export const VmPage = ({ connectionId, uuid, tab }: { connectionId: string; uuid: string; tab: string }) => {
  const t = useT();
  const vm = useVm(connectionId, uuid);
  const tabs = [overviewTab, ...vmTabs];
  if (!vm) {
    return (
      <div className="empty">
        <Icon name="computer" className="big-icon" />
        <h2>{t('vm.gone')}</h2>
        <button type="button" className="btn pill" onClick={() => navigate({ kind: 'vms', connectionId })}>
          {t('vm.backToList')}
        </button>
      </div>
    );
  }
  const active = tabs.find((x) => x.id === tab) ?? overviewTab;
  const onTabKey = (e: React.KeyboardEvent): void => {
    const i = tabs.findIndex((x) => x.id === active.id);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const nt = tabs[(next + tabs.length) % tabs.length]!;
    navigate({ kind: 'vm', connectionId, uuid, tab: nt.id });
    requestAnimationFrame(() => document.getElementById(`tab-${nt.id}`)?.focus());
  };
  return (
    <div className="vm-list">
      <div className="tabs" role="tablist" aria-label={vm.name} onKeyDown={onTabKey}>
        {tabs.map((x) => (
          <button
            key={x.id}
            id={`tab-${x.id}`}
            type="button"
            role="tab"
            className="tab"
            aria-selected={x.id === active.id}
            aria-controls="vm-tabpanel"
            tabIndex={x.id === active.id ? 0 : -1}
            onClick={() => navigate({ kind: 'vm', connectionId, uuid, tab: x.id })}
          >
            {t(x.titleKey)}
          </button>
        ))}
        <span style={{ flex: 1 }} />
        <VmActionsMenu vm={vm} withOpen={false} />
      </div>
      <div className="tab-panel" role="tabpanel" id="vm-tabpanel" aria-labelledby={`tab-${active.id}`}>
        {tabs.map((x) =>
          x.id === active.id ? (
            <x.component
              key={x.id}
              connectionId={connectionId}
              vmUuid={uuid}
              vmName={vm.name}
              state={vm.state}
              active
            />
          ) : null,
        )}
      </div>
    </div>
  );
};
