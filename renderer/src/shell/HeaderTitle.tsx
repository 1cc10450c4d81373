import type { ReactNode } from 'react';
import { useT } from '../i18n/index.js';
import { Name } from '../ui/Name.js';
import { useConnection } from '../store/connections.js';
import type { Route } from '../store/route.js';
import { useVm } from '../store/vms.js';
import { getRegistry } from './registry.js';

/** The header bar's title and subtitle for the current route. */
export const HeaderTitle = ({ route }: { route: Route }) => {
  const t = useT();
  const conn = useConnection('connectionId' in route ? route.connectionId : null);
  const vm = useVm(route.kind === 'vm' ? route.connectionId : '', route.kind === 'vm' ? route.uuid : '');
  let title: ReactNode = 'VirtDesk';
  let sub: ReactNode = null;
  if (route.kind === 'vm' && vm) {
    title = <Name>{vm.name}</Name>;
    sub = (
      <>
        <Name>{conn?.name ?? ''}</Name> · {t(`state.${vm.state}`)}
      </>
    );
  } else if (route.kind === 'vms' && conn) {
    title = t('nav.vms');
    sub = <Name>{conn.name}</Name>;
  } else if (route.kind === 'host' && conn) {
    const page = getRegistry().hostPages.find((p) => p.id === route.pageId);
    title = page ? t(page.titleKey) : '';
    sub = <Name>{conn.name}</Name>;
  }
  return (
    <h1 className="title" style={{ margin: 0, fontSize: 'inherit' }} data-testid="header-title">
      {title}
      {sub && <span className="subtitle">{sub}</span>}
    </h1>
  );
};
