import { useEffect, useMemo, useRef } from 'react';
import type { HostOverview } from '../../../../shared/contract/host.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import type { HostPageProps } from '../../shell/registry.js';
import { ChartData } from '../stats/chartData.js';
import { fmtBytes, fmtNum, fmtPct } from '../stats/format.js';
import { newSubscriptionId, onTick, subscribe, unsubscribe } from '../stats/statsStore.js';
import { TimeChart } from '../stats/TimeChart.js';
import { useT } from '../../i18n/index.js';
import { navigate } from '../../store/route.js';
import { Name } from '../../ui/Name.js';
import '../stats/graphs.css';
import './host.css';

/** [0,1,2,3,8,10,11] → '0-3, 8, 10-11' */
export const cpuRanges = (cpus: readonly number[]): string => {
  const s = [...cpus].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return out.join(', ');
};

const Row = ({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) => (
  <li className="row">
    <span className="label">{label}</span>
    <span className="value" data-testid={testId}>
      {value}
    </span>
  </li>
);

const ksmValue = (field: string, value: number | string | boolean): string => {
  if (typeof value !== 'number') return String(value);
  // page counts → also show the size (4 KiB pages)
  if (/^shm_pages_(shared|sharing|unshared|volatile)$/.test(field))
    return `${value} (${fmtBytes(value * 4096)})`;
  return String(value);
};

/** Host dashboard: identity, CPU/memory now and over time, NUMA, KSM, security model and labels. */
export const HostDashboard = ({ connectionId }: HostPageProps) => {
  const t = useT();
  const ov = useCall('host.overview', { connectionId });
  const cpu = useMemo(() => new ChartData(1), []);
  const mem = useMemo(() => new ChartData(2), []);
  const cpuFig = useRef<HTMLSpanElement>(null);
  const memFig = useRef<HTMLSpanElement>(null);
  const { reload } = ov;

  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) reload();
    }, 15_000);
    return () => clearInterval(timer);
  }, [reload]);

  useEffect(() => {
    let live = true;
    const id = newSubscriptionId('host');
    const off = onTick(connectionId, (tick) => {
      const h = tick.host;
      if (!h) return;
      cpu.append(tick.t, [h.cpu]);
      mem.append(tick.t, [h.memUsed, h.memTotal]);
      if (cpuFig.current) cpuFig.current.textContent = fmtPct(h.cpu);
      if (memFig.current) memFig.current.textContent = `${fmtBytes(h.memUsed)} / ${fmtBytes(h.memTotal)}`;
    });
    void subscribe({ id, connectionId, kind: 'host' });
    getApi()
      .call('stats.history', { connectionId, target: 'host', seconds: 3600 })
      .then(
        (h) => {
          if (!live) return;
          cpu.setHistory(h.t, [h.series.cpu ?? []]);
          mem.setHistory(h.t, [h.series.memUsed ?? [], h.series.memTotal ?? []]);
        },
        () => undefined,
      );
    return () => {
      live = false;
      off();
      unsubscribe(id);
    };
  }, [connectionId, cpu, mem]);

  const o: HostOverview | undefined = ov.data;
  return (
    <div className="host-page clamp" data-testid="host-dashboard">
      {ov.error && (
        <div className="host-error" role="alert">
          <p className="error-text">{ov.error.message}</p>
          <button
            type="button"
            className="btn"
            onClick={() => navigate({ kind: 'host', connectionId, pageId: 'readiness' })}
          >
            {t('host.openReadiness')}
          </button>
        </div>
      )}
      <div className="perf-grid">
        <section className="perf-card">
          <header>
            <h3>{t('host.cpuUsage')}</h3>
            <div className="perf-figure">
              <span className="value" data-testid="host-cpu-value" ref={cpuFig}>
                {fmtPct(o?.cpuPercent)}
              </span>
            </div>
          </header>
          <TimeChart
            data={cpu}
            series={[{ label: t('host.cpuUsage'), stroke: '#3584e4', fill: 'rgba(53,132,228,0.15)' }]}
            format={(v) => fmtPct(v, 0)}
            yRange={[0, 100]}
            windowSec={600}
            ariaLabel={t('host.cpuUsage')}
            testId="host-cpu-chart"
          />
        </section>
        <section className="perf-card">
          <header>
            <h3>{t('host.memoryUsage')}</h3>
            <div className="perf-figure">
              <span className="value" data-testid="host-mem-value" ref={memFig}>
                {o ? `${fmtBytes(o.memory.used)} / ${fmtBytes(o.memory.total)}` : '—'}
              </span>
            </div>
          </header>
          <TimeChart
            data={mem}
            series={[
              { label: t('host.used'), stroke: '#9141ac', fill: 'rgba(145,65,172,0.15)' },
              { label: t('host.total'), stroke: '#77767b' },
            ]}
            format={(v) => fmtBytes(v, 0)}
            windowSec={600}
            ariaLabel={t('host.memoryUsage')}
            testId="host-mem-chart"
          />
        </section>
      </div>

      {o && (
        <>
          <div className="section-title">{t('host.general')}</div>
          <ul className="boxed-list">
            <Row label={t('host.hostname')} value={o.hostname || '—'} testId="host-hostname" />
            <Row label={t('host.uri')} value={<span className="mono">{o.uri}</span>} />
            <Row label={t('host.libvirt')} value={o.libvirtVersion ?? '—'} testId="host-libvirt-version" />
            <Row
              label={t('host.hypervisor')}
              value={`${o.hypervisor.type ?? '—'} ${o.hypervisor.version ?? ''}`.trim()}
              testId="host-hypervisor"
            />
          </ul>

          <div className="section-title">{t('host.cpu')}</div>
          <ul className="boxed-list">
            <Row label={t('host.cpuModel')} value={o.cpu.model ?? '—'} testId="host-cpu-model" />
            {o.cpu.vendor && <Row label={t('host.vendor')} value={o.cpu.vendor} />}
            <Row label={t('host.arch')} value={o.cpu.arch ?? '—'} />
            <Row label={t('host.cpus')} value={fmtNum(o.cpu.cpus)} testId="host-cpus" />
            <Row
              label={t('host.topology')}
              value={t('host.topologyValue', {
                sockets: fmtNum(o.cpu.sockets),
                cores: fmtNum(o.cpu.coresPerSocket),
                threads: fmtNum(o.cpu.threadsPerCore),
              })}
            />
            <Row label={t('host.mhz')} value={o.cpu.mhz ? `${o.cpu.mhz} MHz` : '—'} />
            <Row label={t('host.memoryTotal')} value={fmtBytes(o.memory.total)} testId="host-mem-total" />
          </ul>

          <div className="section-title">{t('host.numa')}</div>
          <table className="host-table" data-testid="host-numa">
            <thead>
              <tr>
                <th>{t('host.numaCell')}</th>
                <th>{t('host.numaMemory')}</th>
                <th>{t('host.numaFree')}</th>
                <th>{t('host.numaCpus')}</th>
              </tr>
            </thead>
            <tbody>
              {o.numa.length === 0 && (
                <tr>
                  <td colSpan={4} className="dim">
                    {t('host.none')}
                  </td>
                </tr>
              )}
              {o.numa.map((c) => (
                <tr key={c.id}>
                  <td>{c.id}</td>
                  <td>{fmtBytes(c.memory)}</td>
                  <td>{fmtBytes(c.free)}</td>
                  <td className="mono">{cpuRanges(c.cpus)}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <div className="section-title">{t('host.ksm')}</div>
          {o.ksm.error ? (
            <p className="dim" data-testid="host-ksm-error">
              {t('host.ksmUnavailable')} <span className="mono">{o.ksm.error}</span>
            </p>
          ) : (
            <table className="host-table" data-testid="host-ksm">
              <tbody>
                {o.ksm.params.map((p) => (
                  <tr key={p.field}>
                    <td className="mono">{p.field}</td>
                    <td>{ksmValue(p.field, p.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <div className="section-title">{t('host.security')}</div>
          <ul className="boxed-list" data-testid="host-security">
            <Row
              label={t('host.secModel')}
              value={o.security.model ?? o.security.error ?? '—'}
              testId="host-sec-model"
            />
            {o.security.doi && <Row label={t('host.secDoi')} value={o.security.doi} />}
            <Row label={t('host.svirt')} value={o.security.svirt ? t('host.yes') : t('host.no')} />
            {o.security.models.map((m) => (
              <Row
                key={m.model}
                label={`secmodel ${m.model}`}
                value={<span className="mono">{m.baseLabels.join('; ') || (m.doi ?? '')}</span>}
              />
            ))}
          </ul>

          <div className="section-title">{t('host.labels')}</div>
          <table className="host-table" data-testid="host-labels">
            <thead>
              <tr>
                <th>{t('host.vm')}</th>
                <th>{t('host.secModel')}</th>
                <th>{t('host.labelType')}</th>
                <th>{t('host.label')}</th>
                <th>{t('host.imageLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {o.labels.length === 0 && (
                <tr>
                  <td colSpan={5} className="dim">
                    {t('host.noRunning')}
                  </td>
                </tr>
              )}
              {o.labels.flatMap((vm) =>
                (vm.labels.length ? vm.labels : [null]).map((l, i) => (
                  <tr key={`${vm.uuid}-${i}`}>
                    <td>{i === 0 ? <Name>{vm.name}</Name> : ''}</td>
                    <td>{l?.model ?? '—'}</td>
                    <td>{l?.type ?? '—'}</td>
                    <td className="mono">{l?.label ?? '—'}</td>
                    <td className="mono">{l?.imageLabel ?? '—'}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
};
