import { useT } from '../../../i18n/index.js';
import { getRegistry, type VmTab } from '../../../shell/registry.js';
import { navigate } from '../../../store/route.js';
import { useVm } from '../../../store/vms.js';
import { Icon } from '../../../ui/icons.js';
import { VmActionsMenu } from '../actions/VmActionsMenu.js';
import { OverviewTab } from './OverviewTab.js';
import { VmAttentionBanner } from './VmAttentionBanner.js';

const overviewTab: VmTab = { id: 'overview', titleKey: 'vm.tab.overview', order: 0, component: OverviewTab };

export const VmPage = ({ connectionId, uuid, tab }: { connectionId: string; uuid: string; tab: string }) => {
  const t = useT();
  const vm = useVm(connectionId, uuid);
  const tabs = [overviewTab, ...getRegistry().vmTabs];
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
      <VmAttentionBanner vm={vm} />
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
            {x.badge && <x.badge connectionId={connectionId} vmUuid={uuid} state={vm.state} />}
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
