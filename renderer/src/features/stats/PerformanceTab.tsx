import { useEffect, useMemo, useRef, useState } from 'react';
import type { VmPoint } from '../../../../shared/contract/stats.js';
import { getApi } from '../../api/client.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { ChartData } from './chartData.js';
import { fmtBytes, fmtNum, fmtPct, fmtRate } from './format.js';
import { newSubscriptionId, onTick, subscribe, unsubscribe } from './statsStore.js';
import { TimeChart } from './TimeChart.js';
import './graphs.css';

const WINDOWS = [60, 300, 900, 3600] as const;

/** Figures next to the graphs, written straight into the DOM on each tick (no React render). */
type FigureKey = 'cpu' | 'cpuHost' | 'mem' | 'disk' | 'iops' | 'net';

const figureText = (p: VmPoint, key: FigureKey): string => {
  switch (key) {
    case 'cpu':
      return fmtPct(p.cpu);
    case 'cpuHost':
      return fmtPct(p.cpuHost);
    case 'mem':
      return `${fmtBytes(p.memUsed)} / ${fmtBytes(p.memAssigned)}`;
    case 'disk':
      return `${fmtRate(p.diskRd)} ↓  ${fmtRate(p.diskWr)} ↑`;
    case 'iops':
      return `${fmtNum(p.diskRdIops)} / ${fmtNum(p.diskWrIops)}`;
    case 'net':
      return `${fmtRate(p.netRx)} ↓  ${fmtRate(p.netTx)} ↑`;
  }
};

/** Performance tab of a VM: CPU, memory, disk and network graphs (an hour of history, then live). */
export const PerformanceTab = ({ connectionId, vmUuid, state }: VmTabProps) => {
  const t = useT();
  const [windowSec, setWindowSec] = useState<number>(300);
  const [error, setError] = useState<string | null>(null);
  const cpu = useMemo(() => new ChartData(1), []);
  const mem = useMemo(() => new ChartData(1), []);
  const disk = useMemo(() => new ChartData(2), []);
  const net = useMemo(() => new ChartData(2), []);
  const figures = useRef<Partial<Record<FigureKey, HTMLElement | null>>>({});

  useEffect(() => {
    let live = true;
    const id = newSubscriptionId('perf');
    const off = onTick(connectionId, (tick) => {
      const p = tick.vms?.[vmUuid];
      if (!p) return;
      cpu.append(tick.t, [p.cpu]);
      mem.append(tick.t, [p.memUsed]);
      disk.append(tick.t, [p.diskRd, p.diskWr]);
      net.append(tick.t, [p.netRx, p.netTx]);
      for (const [k, el] of Object.entries(figures.current) as [FigureKey, HTMLElement | null][]) {
        if (el) el.textContent = figureText(p, k);
      }
    });
    void subscribe({ id, connectionId, kind: 'vms', vmUuids: [vmUuid] });
    getApi()
      .call('stats.history', { connectionId, target: 'vm', vmUuid, seconds: 3600 })
      .then(
        (h) => {
          if (!live) return;
          const s = h.series;
          cpu.setHistory(h.t, [s.cpu ?? []]);
          mem.setHistory(h.t, [s.memUsed ?? []]);
          disk.setHistory(h.t, [s.diskRd ?? [], s.diskWr ?? []]);
          net.setHistory(h.t, [s.netRx ?? [], s.netTx ?? []]);
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      live = false;
      off();
      unsubscribe(id);
    };
  }, [connectionId, vmUuid, cpu, mem, disk, net]);

  const fig = (key: FigureKey, label: string) => (
    <div className="perf-figure">
      <span className="label">{label}</span>
      <span
        className="value"
        data-testid={`perf-${key}-value`}
        ref={(el) => {
          figures.current[key] = el;
        }}
      >
        —
      </span>
    </div>
  );

  const running = state === 'running' || state === 'paused' || state === 'blocked';
  return (
    <div className="perf" data-testid="vm-performance">
      <div className="perf-toolbar">
        {!running && <span className="dim">{t('perf.notRunning')}</span>}
        {error && (
          <span className="error-text" role="alert">
            {error}
          </span>
        )}
        <span style={{ flex: 1 }} />
        <div className="linked" role="group" aria-label={t('perf.window')}>
          {WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              className="btn flat"
              aria-pressed={windowSec === w}
              onClick={() => setWindowSec(w)}
            >
              {w < 3600 ? t('perf.minutes', { n: w / 60 }) : t('perf.hour')}
            </button>
          ))}
        </div>
      </div>
      <div className="perf-grid">
        <section className="perf-card">
          <header>
            <h3>{t('perf.cpu')}</h3>
            {fig('cpu', t('perf.ofVcpus'))}
            {fig('cpuHost', t('perf.ofHost'))}
          </header>
          <TimeChart
            data={cpu}
            series={[{ label: t('perf.cpu'), stroke: '#3584e4', fill: 'rgba(53,132,228,0.15)' }]}
            format={(v) => fmtPct(v, 0)}
            yRange={[0, 100]}
            windowSec={windowSec}
            ariaLabel={t('perf.cpu')}
            testId="perf-cpu-chart"
          />
        </section>
        <section className="perf-card">
          <header>
            <h3>{t('perf.memory')}</h3>
            {fig('mem', t('perf.usedOfAssigned'))}
          </header>
          <TimeChart
            data={mem}
            series={[{ label: t('perf.used'), stroke: '#9141ac', fill: 'rgba(145,65,172,0.15)' }]}
            format={(v) => fmtBytes(v, 0)}
            windowSec={windowSec}
            ariaLabel={t('perf.memory')}
            testId="perf-mem-chart"
          />
        </section>
        <section className="perf-card">
          <header>
            <h3>{t('perf.disk')}</h3>
            {fig('disk', t('perf.readWrite'))}
            {fig('iops', t('perf.iops'))}
          </header>
          <TimeChart
            data={disk}
            series={[
              { label: t('perf.read'), stroke: '#26a269' },
              { label: t('perf.write'), stroke: '#e66100' },
            ]}
            format={(v) => fmtRate(v)}
            windowSec={windowSec}
            ariaLabel={t('perf.disk')}
            testId="perf-disk-chart"
          />
        </section>
        <section className="perf-card">
          <header>
            <h3>{t('perf.network')}</h3>
            {fig('net', t('perf.rxTx'))}
          </header>
          <TimeChart
            data={net}
            series={[
              { label: t('perf.rx'), stroke: '#1c71d8' },
              { label: t('perf.tx'), stroke: '#c64600' },
            ]}
            format={(v) => fmtRate(v)}
            windowSec={windowSec}
            ariaLabel={t('perf.network')}
            testId="perf-net-chart"
          />
        </section>
      </div>
    </div>
  );
};
