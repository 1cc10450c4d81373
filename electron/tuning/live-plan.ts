/**
 * A new definition of a running VM (a profile, the realtime section) split into what libvirt's tuning
 * calls can change on the running VM now and what waits for its next start (pure). Only what the new
 * definition changes from the old one counts; of that, a live step is made where the running VM does
 * not have it already:
 *
 * - now: vCPU, emulator and IOThread pinning; CPU shares, periods and quotas; memory limits; the disk
 *   weight; the NUMA node set when the memory mode stays strict (cpuset.mems can move; the mode cannot).
 * - next start: vCPU scheduler policies, locked memory, hugepages, the CPU model, IOThreads and which disk
 *   uses one, a NUMA mode change or removal, and a disk weight going back to the default.
 */
import { cpuRangesText } from '../../shared/model/index.js';
import type { TuningChange, TuningView } from '../../shared/contract/tuning.js';
import {
  child,
  readCpu,
  readDomainTuning,
  readRealtime,
  serializeXml,
  type DomainVcpuSched,
  type DomainXml,
} from '../libvirt-xml/index.js';

export interface LiveStep {
  change: TuningChange;
  /** What it does, in words ("vCPU 0 runs on host CPU 1"). */
  what: string;
}

export interface LiveSplit {
  steps: LiveStep[];
  atRestart: string[];
}

/** libvirt's defaults for what a definition leaves out. */
const DEFAULT_SHARES = 1024;
const DEFAULT_PERIOD = 100000;
const NO_QUOTA = -1;

/** [0,1,2,5] → "0–2, 5". */
export const cpuText = cpuRangesText;
const hostCpuWords = (cpus: readonly number[]): string =>
  `host CPU${cpus.length === 1 ? '' : 's'} ${cpuText(cpus)}`;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

const schedWords = (s: readonly DomainVcpuSched[]): string =>
  s.length === 0
    ? 'every vCPU scheduled normally'
    : s
        .map(
          (v) =>
            `vCPU ${cpuText(v.vcpus)} ${v.scheduler.toUpperCase()}${v.priority === null ? '' : ` priority ${v.priority}`}`,
        )
        .join(', ');

const hugepagesOf = (d: DomainXml): string | null => {
  const hp = child(child(d.root, 'memoryBacking'), 'hugepages');
  return hp ? serializeXml(hp) : null;
};
const hugepageWords = (d: DomainXml): string => {
  const size = /size=["'](\d+)["']/.exec(hugepagesOf(d) ?? '')?.[1];
  return hugepagesOf(d) === null
    ? 'memory on ordinary pages'
    : `memory on ${size ? `${Number(size) >= 1024 ? `${Number(size) / 1024} MiB` : `${size} KiB`} ` : ''}hugepages`;
};

/** The CPUs a vCPU may run on as a definition says (its pin, else `<vcpu cpuset>`, else every CPU). */
const vcpuCpus = (t: TuningView, vcpu: number, all: readonly number[]): number[] =>
  sorted(t.vcpuPins.find((p) => p.vcpu === vcpu)?.cpus ?? t.defaultCpuset ?? all);
const emulatorCpus = (t: TuningView, all: readonly number[]): number[] =>
  sorted(t.emulatorPin ?? t.defaultCpuset ?? all);
const iothreadCpus = (t: TuningView, id: number, all: readonly number[]): number[] =>
  sorted(t.iothreadPins.find((p) => p.iothread === id)?.cpus ?? t.defaultCpuset ?? all);

export const splitLive = (
  oldConfig: DomainXml,
  newConfig: DomainXml,
  live: DomainXml,
  hostCpus: readonly number[],
): LiveSplit => {
  const before = readDomainTuning(oldConfig);
  const next = readDomainTuning(newConfig);
  const now = readDomainTuning(live);
  const all = sorted(hostCpus);
  const steps: LiveStep[] = [];
  const atRestart: string[] = [];

  // Pinning: each running vCPU, the emulator, each IOThread both definitions and the VM have.
  for (let vcpu = 0; vcpu < now.vcpus; vcpu++) {
    const want = vcpuCpus(next, vcpu, all);
    if (same(vcpuCpus(before, vcpu, all), want) || same(vcpuCpus(now, vcpu, all), want)) continue;
    steps.push({
      change: { kind: 'vcpupin', vcpu, cpus: want },
      what: same(want, all)
        ? `vCPU ${vcpu} may run on any host CPU`
        : `vCPU ${vcpu} runs on ${hostCpuWords(want)}`,
    });
  }
  const emu = emulatorCpus(next, all);
  if (!same(emulatorCpus(before, all), emu) && !same(emulatorCpus(now, all), emu))
    steps.push({
      change: { kind: 'emulatorpin', cpus: emu },
      what: same(emu, all)
        ? 'the emulator threads may run on any host CPU'
        : `the emulator threads run on ${hostCpuWords(emu)}`,
    });
  for (const id of now.iothreadIds.filter((i) => next.iothreadIds.includes(i))) {
    const want = iothreadCpus(next, id, all);
    if (same(iothreadCpus(before, id, all), want) || same(iothreadCpus(now, id, all), want)) continue;
    steps.push({
      change: { kind: 'iothreadpin', iothread: id, cpus: want },
      what: `IOThread ${id} runs on ${hostCpuWords(want)}`,
    });
  }

  // CPU shares, periods and quotas: one call; a value the new definition drops goes back to the default.
  const sched: Extract<TuningChange, { kind: 'sched' }> = { kind: 'sched' };
  const schedWordsNow: string[] = [];
  const schedField = <
    K extends
      'shares' | 'period' | 'quota' | 'emulatorPeriod' | 'emulatorQuota' | 'iothreadPeriod' | 'iothreadQuota',
  >(
    key: K,
    fallback: number,
    label: string,
  ) => {
    if (before[key] === next[key]) return;
    const want = next[key] ?? fallback;
    if ((now[key] ?? fallback) === want) return;
    (sched as Record<string, unknown>)[key] = want;
    schedWordsNow.push(
      `${label} ${want === NO_QUOTA ? 'none' : want}${next[key] === null ? ' (the default)' : ''}`,
    );
  };
  schedField('shares', DEFAULT_SHARES, 'CPU shares');
  schedField('period', DEFAULT_PERIOD, 'vCPU period');
  schedField('quota', NO_QUOTA, 'vCPU quota');
  schedField('emulatorPeriod', DEFAULT_PERIOD, 'emulator period');
  schedField('emulatorQuota', NO_QUOTA, 'emulator quota');
  schedField('iothreadPeriod', DEFAULT_PERIOD, 'IOThread period');
  schedField('iothreadQuota', NO_QUOTA, 'IOThread quota');
  if (schedWordsNow.length > 0) steps.push({ change: sched, what: schedWordsNow.join(', ') });

  // Memory limits: null is libvirt's "unlimited".
  const mem: Extract<TuningChange, { kind: 'memtune' }> = { kind: 'memtune' };
  const memWords: string[] = [];
  for (const [key, label] of [
    ['hardLimitKiB', 'hard limit'],
    ['softLimitKiB', 'soft limit'],
    ['swapHardLimitKiB', 'swap hard limit'],
  ] as const) {
    const want = next.memtune[key];
    if (before.memtune[key] === want || now.memtune[key] === want) continue;
    mem[key] = want;
    memWords.push(`memory ${label} ${want === null ? 'none' : `${Math.round(want / 1024)} MiB`}`);
  }
  if (memWords.length > 0) steps.push({ change: mem, what: memWords.join(', ') });

  // Disk weight: a value goes live; "back to the default" has no value to give (it depends on the
  // host's I/O scheduler), so that waits for the restart.
  if (before.blkioWeight !== next.blkioWeight && now.blkioWeight !== next.blkioWeight) {
    if (next.blkioWeight === null) atRestart.push('the disk weight goes back to the default');
    else
      steps.push({
        change: { kind: 'blkio', weight: next.blkioWeight },
        what: `disk weight ${next.blkioWeight}`,
      });
  }

  // NUMA memory: libvirt moves a running VM's memory to another node set in strict mode only.
  if (!same(before.numa, next.numa) && !same(now.numa, next.numa)) {
    const nodes = next.numa?.nodeset;
    if (next.numa?.mode === 'strict' && now.numa?.mode === 'strict' && nodes && nodes.length > 0)
      steps.push({
        change: { kind: 'numatune', mode: 'strict', nodeset: nodes },
        what: `memory from NUMA node${nodes.length === 1 ? '' : 's'} ${cpuText(nodes)}`,
      });
    else
      atRestart.push(
        next.numa === null
          ? 'memory from any NUMA node'
          : `memory ${next.numa.mode === 'strict' ? 'only' : next.numa.mode} from NUMA node${nodes?.length === 1 ? '' : 's'} ${cpuText(nodes ?? [])}`,
      );
  }

  // What libvirt sets only when QEMU starts.
  const rtBefore = readRealtime(oldConfig);
  const rtNext = readRealtime(newConfig);
  if (!same(rtBefore.vcpusched, rtNext.vcpusched))
    atRestart.push(`the vCPU scheduler policy (${schedWords(rtNext.vcpusched)})`);
  if (rtBefore.locked !== rtNext.locked)
    atRestart.push(rtNext.locked ? 'locked memory' : 'memory no longer locked');
  if (hugepagesOf(oldConfig) !== hugepagesOf(newConfig)) atRestart.push(hugepageWords(newConfig));
  const cpuBefore = readCpu(oldConfig);
  const cpuNext = readCpu(newConfig);
  if (cpuBefore.mode !== cpuNext.mode || cpuBefore.model !== cpuNext.model)
    atRestart.push(`the ${cpuNext.model ?? cpuNext.mode ?? 'default'} CPU`);
  if (before.iothreads !== next.iothreads)
    atRestart.push(`${next.iothreads} IOThread${next.iothreads === 1 ? '' : 's'}`);
  for (const d of next.diskIothreads) {
    const was = before.diskIothreads.find((x) => x.target === d.target);
    if (was && was.iothread !== d.iothread)
      atRestart.push(
        d.iothread === null
          ? `${d.target} on the emulator’s main loop`
          : `${d.target} on IOThread ${d.iothread}`,
      );
  }
  return { steps, atRestart };
};
