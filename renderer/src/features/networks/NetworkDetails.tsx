import { useEffect, useState } from 'react';
import { calls } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { showToast } from '../../store/toasts.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { useForm } from '../../ui/form/useForm.js';
import { DhcpRangeEditor } from './DhcpRangeEditor.js';
import { EntryForm } from './EntryForm.js';

const expiryText = (unix: number, never: string): string =>
  unix === 0 ? never : new Date(unix * 1000).toLocaleString();

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** How often the leases are read again while the page is shown. */
const LEASE_POLL_MS = 5000;

/** The selected network: DHCP leases, static DHCP hosts and DNS hosts (added/removed live). */
export const NetworkDetails = ({
  connectionId,
  name,
  nonce,
  onChanged,
}: {
  connectionId: string;
  name: string;
  nonce: number;
  onChanged: () => void;
}) => {
  const t = useT();
  const details = useCall('networks.get', { connectionId, name });
  const { reload } = details;
  useEffect(() => {
    if (nonce > 0) reload();
  }, [nonce, reload]);
  // libvirt has no event for DHCP leases: while the page is shown, they are read again now and then (the
  // previous answer stays on screen meanwhile, so nothing flickers or loses focus).
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, LEASE_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [busy, setBusy] = useState(false);

  const dhcpForm = useForm({
    schema: calls['networks.dhcpHost'].input,
    initial: { mac: '', hostname: '', ip: '' },
    toInput: (v) => ({
      connectionId,
      name,
      op: 'add',
      host: { mac: orNull(v.mac), name: orNull(v.hostname), ip: v.ip },
    }),
    paths: { 'host.mac': 'mac', 'host.name': 'hostname', 'host.ip': 'ip' },
  });
  const dnsForm = useForm({
    schema: calls['networks.dnsHost'].input,
    initial: { dnsIp: '', dnsNames: '' },
    toInput: (v) => ({
      connectionId,
      name,
      op: 'add',
      host: { ip: v.dnsIp, hostnames: v.dnsNames.split(/[\s,]+/).filter(Boolean) },
    }),
    paths: { 'host.ip': 'dnsIp', 'host.hostnames': 'dnsNames' },
  });
  const done = (): void => {
    reload();
    onChanged();
  };
  const removeEntry = async (fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      showToast(t('networks.failed.entry'), 'error', { detail: toApiError(e).message });
    } finally {
      setBusy(false);
      done();
    }
  };

  const d = details.data && details.data.name === name ? details.data : undefined;
  if (details.error && !d)
    return <FailureNote message={t('networks.failed.details')} detail={details.error.message} />;
  if (!d) return null;
  const isolatedAddrs = d.ips.length > 0;
  // The DHCP ranges by family (IPv4 first), each numbered across the page for its fields' ids.
  let rangeCount = 0;
  const rangeGroups = (['ipv4', 'ipv6'] as const)
    .map((family) => ({
      family,
      ranges: d.ips
        .filter((ip) => ip.family === family)
        .flatMap((ip) => ip.dhcpRanges)
        .map((range) => ({ range, index: rangeCount++ })),
    }))
    .filter((g) => g.ranges.length > 0);
  return (
    <div className="network-sections">
      <h4>{t('networks.leases')}</h4>
      {!d.active ? (
        <p className="dim">{t('networks.leases.inactive')}</p>
      ) : d.leases.length === 0 ? (
        <p className="dim" data-testid="network-leases-none">
          {t('networks.leases.none')}
        </p>
      ) : (
        <table className="host-table" data-testid="network-leases">
          <thead>
            <tr>
              <th>{t('networks.col.mac')}</th>
              <th>{t('networks.col.ip')}</th>
              <th>{t('networks.col.hostname')}</th>
              <th>{t('networks.col.expiry')}</th>
              <th>{t('networks.col.vm')}</th>
            </tr>
          </thead>
          <tbody>
            {d.leases.map((l) => (
              <tr key={`${l.mac ?? ''}-${l.ip}`}>
                <td className="mono">{l.mac ?? '—'}</td>
                <td className="mono">
                  {l.ip}/{l.prefix}
                </td>
                <td>{l.hostname ?? '—'}</td>
                <td>{expiryText(l.expiry, t('networks.never'))}</td>
                <td>{l.vm ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {rangeGroups.map(({ family, ranges }, g) => (
        <section key={family} data-testid={`network-dhcp-ranges-${family}`}>
          <h4>
            {rangeGroups.length > 1 || family === 'ipv6'
              ? t('netrange.titleFamily', { family: family === 'ipv6' ? 'IPv6' : 'IPv4' })
              : t('netrange.title')}
          </h4>
          {g === 0 && <p className="dim">{t(d.active ? 'netrange.hint' : 'netrange.hintStopped')}</p>}
          {ranges.map(({ range, index }) => (
            <DhcpRangeEditor
              key={`${range.start}-${range.end}`}
              connectionId={connectionId}
              network={name}
              range={range}
              index={index}
              onChanged={done}
            />
          ))}
        </section>
      ))}
      {isolatedAddrs && (
        <>
          <EntryForm
            title={t('networks.dhcpHosts')}
            entries={d.dhcpHosts}
            entryKey={(h) => `${h.mac ?? ''}-${h.name ?? ''}-${h.ip ?? ''}`}
            columns={[
              { header: t('networks.col.mac'), cell: (h) => h.mac ?? '—', mono: true },
              { header: t('networks.col.hostname'), cell: (h) => h.name ?? '—' },
              { header: t('networks.col.ip'), cell: (h) => h.ip ?? '—', mono: true },
            ]}
            removeLabel={(h) => h.ip ?? h.mac ?? ''}
            onRemove={(h) =>
              void removeEntry(() =>
                getApi().call('networks.dhcpHost', {
                  connectionId,
                  name,
                  op: 'remove',
                  host: { mac: h.mac, name: h.name, ip: h.ip ?? '' },
                }),
              )
            }
            busy={busy}
            listTestId="network-dhcp-hosts"
            addTestId="network-dhcp-add"
            form={dhcpForm}
            fields={[
              { key: 'mac', id: 'dhcp-mac', label: t('networks.col.mac'), placeholder: '52:54:00:…' },
              { key: 'hostname', id: 'dhcp-name', label: t('networks.col.hostname') },
              { key: 'ip', id: 'dhcp-ip', label: t('networks.col.ip') },
            ]}
            add={(input) => getApi().call('networks.dhcpHost', input)}
            onAdded={done}
          />
          <EntryForm
            title={t('networks.dnsHosts')}
            entries={d.dnsHosts}
            entryKey={(h) => h.ip}
            columns={[
              { header: t('networks.col.ip'), cell: (h) => h.ip, mono: true },
              { header: t('networks.col.hostnames'), cell: (h) => h.hostnames.join(', ') },
            ]}
            removeLabel={(h) => h.ip}
            onRemove={(h) =>
              void removeEntry(() =>
                getApi().call('networks.dnsHost', { connectionId, name, op: 'remove', host: h }),
              )
            }
            busy={busy}
            listTestId="network-dns-hosts"
            addTestId="network-dns-add"
            form={dnsForm}
            fields={[
              { key: 'dnsIp', id: 'dns-ip', label: t('networks.col.ip') },
              { key: 'dnsNames', id: 'dns-names', label: t('networks.col.hostnames') },
            ]}
            add={(input) => getApi().call('networks.dnsHost', input)}
            onAdded={done}
          />
        </>
      )}
    </div>
  );
};
