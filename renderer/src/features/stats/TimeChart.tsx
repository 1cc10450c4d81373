import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from './chartData.js';
import { pageHidden } from './statsStore.js';

export interface ChartSeries {
  label: string;
  stroke: string;
  fill?: string;
}

export interface TimeChartProps {
  data: ChartData;
  series: ChartSeries[];
  /** formats y values (axis and legend) */
  format: (v: number | null) => string;
  /** fixed y range (e.g. [0, 100] for percent); otherwise 0…max */
  yRange?: [number, number];
  /** visible window, seconds */
  windowSec: number;
  /** smallest top of the y axis when not fixed (so an idle disk does not show 0…1 B/s) */
  minMax?: number;
  height?: number;
  ariaLabel: string;
  testId?: string;
}

/**
 * A uPlot time chart fed by a ChartData buffer. Redraws at most once per animation frame, and not at
 * all while scrolled out of view (IntersectionObserver) or while the page is hidden.
 */
export const TimeChart = ({
  data,
  series,
  format,
  yRange,
  windowSec,
  minMax = 1024,
  height = 160,
  ariaLabel,
  testId,
}: TimeChartProps) => {
  const box = useRef<HTMLDivElement>(null);
  const fmtRef = useRef(format);
  const windowRef = useRef(windowSec);
  const plotRef = useRef<uPlot | null>(null);
  const redrawRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    fmtRef.current = format;
  });

  useEffect(() => {
    windowRef.current = windowSec;
    redrawRef.current();
  }, [windowSec]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fixed = yRange;
    const opts: uPlot.Options = {
      width: Math.max(100, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { y: false, points: { size: 5 } },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const last = data.t.length ? data.t[data.t.length - 1]! : max;
            return [last - windowRef.current, last];
          },
        },
        y: {
          range: (_u, _min, max) => (fixed ? fixed : [0, Math.max(minMax, max > 0 ? max * 1.1 : 0)]),
        },
      },
      axes: [
        {
          stroke: 'currentColor',
          // 80 px between time ticks: closer, the first tick's date line ("12/3/26 11:18am") ran into the
          // next tick's time on wide charts
          space: 80,
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          ticks: { show: false },
        },
        {
          stroke: 'currentColor',
          size: 70,
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          ticks: { show: false },
          values: (_u, splits) => splits.map((v) => fmtRef.current(v)),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: s.fill,
          width: 1.5,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => fmtRef.current(v),
        })),
      ],
    };
    const u = new uPlot(opts, [data.t, ...data.ys] as uPlot.AlignedData, el);
    plotRef.current = u;

    let visible = true;
    let dirty = false;
    let frame = 0;
    const draw = () => {
      frame = 0;
      if (!visible || pageHidden()) {
        dirty = true;
        return;
      }
      dirty = false;
      u.setData([data.t, ...data.ys] as uPlot.AlignedData);
    };
    const schedule = () => {
      if (!visible || pageHidden()) {
        dirty = true;
        return;
      }
      if (!frame) frame = requestAnimationFrame(draw);
    };
    redrawRef.current = schedule;
    const off = data.subscribe(schedule);
    const io = new IntersectionObserver((entries) => {
      visible = entries.some((e) => e.isIntersecting);
      if (visible && dirty) schedule();
    });
    io.observe(el);
    const onVis = () => {
      if (!pageHidden() && dirty) schedule();
    };
    document.addEventListener('visibilitychange', onVis);
    const ro = new ResizeObserver(() => {
      const w = Math.max(100, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      off();
      io.disconnect();
      ro.disconnect();
      document.removeEventListener('visibilitychange', onVis);
      if (frame) cancelAnimationFrame(frame);
      redrawRef.current = () => undefined;
      plotRef.current = null;
      u.destroy();
    };
    // series/yRange/height are fixed per chart instance
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  return <div ref={box} className="time-chart" role="img" aria-label={ariaLabel} data-testid={testId} />;
};
