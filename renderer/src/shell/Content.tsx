import { useEffect } from 'react';
import type { ConnectionEntry } from '../../../shared/contract/index.js';
import { useConnection, useConnections } from '../store/connections.js';
import { navigate, type Route } from '../store/route.js';
import { Spinner } from '../ui/icons.js';
import { getRegistry } from './registry.js';

const HomeRedirect = ({ list }: { list: ConnectionEntry[] }) => {
  const first = list.find((c) => c.status.state === 'connected') ?? list[0];
  useEffect(() => {
    if (first) navigate({ kind: 'vms', connectionId: first.id });
  }, [first]);
  return null;
};

/** The page for the route: the VM list, a VM, a host page — or what to show while there is none. */
export const Content = ({ route }: { route: Route }) => {
  const conn = useConnection('connectionId' in route ? route.connectionId : null);
  const { list, loaded } = useConnections();
  const { slots, hostPages } = getRegistry();
  if (!loaded)
    return (
      <div className="empty">
        <Spinner />
      </div>
    );
  if (list.length === 0) return slots.firstRun ? <slots.firstRun /> : null;
  if (route.kind === 'home' || !conn) {
    return <HomeRedirect list={list} />;
  }
  const body =
    conn.status.state !== 'connected' && route.kind !== 'host' ? (
      slots.notConnected ? (
        <slots.notConnected connection={conn} />
      ) : null
    ) : route.kind === 'vms' ? (
      slots.vmList ? (
        <slots.vmList connectionId={conn.id} />
      ) : null
    ) : route.kind === 'vm' ? (
      slots.vmPage ? (
        <slots.vmPage connectionId={conn.id} uuid={route.uuid} tab={route.tab} />
      ) : null
    ) : route.kind === 'host' ? (
      (() => {
        const page = hostPages.find((p) => p.id === route.pageId);
        return page ? <page.component connectionId={conn.id} /> : null;
      })()
    ) : null;
  return (
    <>
      {slots.connectionBanner && <slots.connectionBanner connection={conn} />}
      <div className="page" style={{ display: 'flex', flexDirection: 'column' }}>
        {body}
      </div>
    </>
  );
};
