import { useMemo, useRef, useState } from 'react';
import { checkTuningChange } from '../../../../shared/contract/tuning-checks.js';
import type { HostCpu, TuningChange, TuningGetOutput } from '../../../../shared/contract/tuning.js';
import { useT } from '../../i18n/index.js';
import { OutcomeNote, Timing, useApply } from './Outcome.js';
import { cpuListText } from './cpuSet.js';

export { cpuListText };

/** A vCPU number, or the emulator threads. */
type Target = number | 'emulator';

const sameSet = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length &&
  [...a].sort((x, y) => x - y).every((v, i) => v === [...b].sort((x, y) => x - y)[i]);

interface Socket {
  id: number;
  cores: { id: number; cpus: HostCpu[] }[];
}

/** Cells → sockets → cores → threads, in the order the map draws them. */
const layout = (data: TuningGetOutput) =>
  data.host.cells.map((cell) => {
    const sockets = new Map<number, Map<number, HostCpu[]>>();
    for (const cpu of cell.cpus) {
      const cores = sockets.get(cpu.socket) ?? new Map<number, HostCpu[]>();
      sockets.set(cpu.socket, cores);
      const threads = cores.get(cpu.core) ?? [];
      cores.set(cpu.core, threads);
      threads.push(cpu);
    }
    const list: Socket[] = [...sockets].map(([id, cores]) => ({
      id,
      cores: [...cores].map(([cid, cpus]) => ({ id: cid, cpus })),
    }));
    return { cell, sockets: list };
  });

/**
 * The host's CPUs as a map (NUMA cells → sockets → cores → threads), the VM's vCPUs and emulator threads
 * placed on it. Choose a vCPU (or the emulator) above, then toggle host CPUs: arrows move, Space toggles,
 * Enter applies. What was asked (next boot) is shown beside where the running threads may run and ran last.
 */
export const CpuMap = ({
  data,
  running,
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const { config } = data;
  const cells = useMemo(() => layout(data), [data]);
  const order = useMemo(
    () => cells.flatMap((c) => c.sockets.flatMap((s) => s.cores.flatMap((k) => k.cpus))),
    [cells],
  );
  const online = useMemo(() => order.filter((c) => c.online).map((c) => c.id), [order]);
  const [target, setTarget] = useState<Target>(0);
  const [drafts, setDrafts] = useState<Map<Target, number[]>>(new Map());
  const [focused, setFocused] = useState<number>(order[0]?.id ?? 0);
  const [checkError, setCheckError] = useState<string | null>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const { busy, outcome, apply, clear } = useApply(connectionId, vmUuid, () => {
    setDrafts(new Map());
    onApplied();
  });

  const pins = useMemo(() => new Map(config.vcpuPins.map((p) => [p.vcpu, p.cpus])), [config.vcpuPins]);
  const asked = (tg: Target): number[] =>
    (tg === 'emulator' ? config.emulatorPin : pins.get(tg)) ?? config.defaultCpuset ?? online;
  const draft = drafts.get(target) ?? asked(target);
  const dirty = !sameSet(draft, asked(target));
  const explicit = target === 'emulator' ? config.emulatorPin !== null : pins.has(target);
  const actual = target === 'emulator' ? null : (data.actual?.find((a) => a.vcpu === target) ?? null);

  // Which vCPUs are pinned to each CPU (explicit pins only) and which vCPU threads last ran there.
  const pinnedHere = useMemo(() => {
    const m = new Map<number, number[]>();
    for (const p of config.vcpuPins) for (const c of p.cpus) m.set(c, [...(m.get(c) ?? []), p.vcpu]);
    return m;
  }, [config.vcpuPins]);
  const ranHere = useMemo(() => {
    const m = new Map<number, number[]>();
    for (const a of data.actual ?? []) m.set(a.cpu, [...(m.get(a.cpu) ?? []), a.vcpu]);
    return m;
  }, [data.actual]);

  const targets: Target[] = [...Array.from({ length: config.maxVcpus }, (_, i) => i), 'emulator'];
  const targetLabel = (tg: Target) => (tg === 'emulator' ? t('tune.emulator') : t('tune.vcpu', { n: tg }));

  const select = (tg: Target) => {
    setTarget(tg);
    setCheckError(null);
    clear();
  };
  const toggle = (cpu: number) => {
    const next = draft.includes(cpu) ? draft.filter((c) => c !== cpu) : [...draft, cpu].sort((a, b) => a - b);
    setDrafts(new Map(drafts).set(target, next));
    setCheckError(null);
  };
  const change = (): TuningChange =>
    target === 'emulator'
      ? { kind: 'emulatorpin', cpus: draft }
      : { kind: 'vcpupin', vcpu: target, cpus: draft };
  const submit = () => {
    if (busy) return;
    const issues = checkTuningChange(change(), { cells: data.host.cells, config, running });
    if (issues.length > 0) return setCheckError(issues[0]!.message);
    void apply(change());
  };

  const focusCpu = (id: number) => {
    setFocused(id);
    mapRef.current?.querySelector<HTMLButtonElement>(`[data-cpu="${id}"]`)?.focus();
  };
  const onMapKey = (e: React.KeyboardEvent) => {
    const i = order.findIndex((c) => c.id === focused);
    const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (e.key in step) {
      e.preventDefault();
      const next = order[Math.min(order.length - 1, Math.max(0, i + step[e.key]!))];
      if (next) focusCpu(next.id);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const next = e.key === 'Home' ? order[0] : order[order.length - 1];
      if (next) focusCpu(next.id);
    } else if (e.key === ' ') {
      e.preventDefault();
      toggle(focused);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    }
  };
  const onTargetKey = (e: React.KeyboardEvent) => {
    const i = targets.indexOf(target);
    const d =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? -1
          : 0;
    if (!d) return;
    e.preventDefault();
    const next = targets[Math.min(targets.length - 1, Math.max(0, i + d))]!;
    select(next);
    // At once, not in the next frame: a Tab pressed before that frame would leave from the old button
    // and land on the new one instead of the map (fast typists, and the e2e tests, did).
    (e.currentTarget as HTMLElement)
      .querySelector<HTMLButtonElement>(`[data-testid="tune-target-${next}"]`)
      ?.focus();
  };

  return (
    <section className="tune-card" aria-labelledby="tune-cpu-title" data-testid="tune-cpu">
      <h3 id="tune-cpu-title">{t('tune.cpu.title')}</h3>
      <p className="dim">{t('tune.cpu.hint')}</p>
      <div
        className="tune-targets"
        role="radiogroup"
        aria-label={t('tune.cpu.targets')}
        onKeyDown={onTargetKey}
      >
        {targets.map((tg) => {
          const pinned = tg === 'emulator' ? config.emulatorPin !== null : pins.has(tg);
          return (
            <button
              key={String(tg)}
              type="button"
              role="radio"
              aria-checked={tg === target}
              tabIndex={tg === target ? 0 : -1}
              className={`tune-target${pinned ? ' pinned' : ''}`}
              data-testid={`tune-target-${tg}`}
              onClick={() => select(tg)}
            >
              {targetLabel(tg)}
            </button>
          );
        })}
      </div>
      <dl className="tune-facts" data-testid="tune-facts">
        <dt>{t('tune.cpu.asked')}</dt>
        <dd data-testid="tune-asked">
          {explicit
            ? cpuListText(asked(target))
            : t('tune.cpu.anywhere', { cpus: cpuListText(asked(target)) })}
        </dd>
        {running && actual && (
          <>
            <dt>{t('tune.cpu.actual')}</dt>
            <dd data-testid="tune-actual">
              {t('tune.cpu.actualText', { allowed: cpuListText(actual.affinity), cpu: actual.cpu })}
            </dd>
          </>
        )}
        {running && target === 'emulator' && data.emulatorActual && (
          <>
            <dt>{t('tune.cpu.actual')}</dt>
            <dd data-testid="tune-actual">{cpuListText(data.emulatorActual)}</dd>
          </>
        )}
      </dl>
      <div
        className="tune-map"
        ref={mapRef}
        role="group"
        aria-label={t('tune.cpu.map', { target: targetLabel(target) })}
        onKeyDown={onMapKey}
        data-testid="tune-map"
      >
        {cells.map(({ cell, sockets }) => (
          <div key={cell.id} className="tune-cell" data-testid={`tune-cell-${cell.id}`}>
            <div className="tune-cell-title">
              {cell.memoryKiB
                ? t('tune.cpu.cellMem', { n: cell.id, mib: Math.round(cell.memoryKiB / 1024) })
                : t('tune.cpu.cell', { n: cell.id })}
            </div>
            {sockets.map((s) => (
              <div key={s.id} className="tune-socket">
                <div className="tune-socket-title dim">{t('tune.cpu.socket', { n: s.id })}</div>
                <div className="tune-cores">
                  {s.cores.map((core) => (
                    <div key={core.id} className="tune-core" title={t('tune.cpu.core', { n: core.id })}>
                      {core.cpus.map((cpu) => {
                        const on = draft.includes(cpu.id);
                        const pinnedVcpus = pinnedHere.get(cpu.id);
                        const ran = ranHere.get(cpu.id);
                        return (
                          <button
                            key={cpu.id}
                            type="button"
                            className={`tune-thread${on ? ' on' : ''}${cpu.online ? '' : ' offline'}${ran ? ' ran' : ''}`}
                            aria-pressed={on}
                            aria-label={`${t('tune.cpu.hostCpu', { n: cpu.id })}${cpu.online ? '' : ` (${t('tune.cpu.offline')})`}`}
                            tabIndex={cpu.id === focused ? 0 : -1}
                            data-cpu={cpu.id}
                            title={[
                              pinnedVcpus ? t('tune.cpu.pinnedHere', { list: cpuListText(pinnedVcpus) }) : '',
                              ran ? t('tune.cpu.ranHere', { list: cpuListText(ran) }) : '',
                            ]
                              .filter(Boolean)
                              .join(' · ')}
                            onFocus={() => setFocused(cpu.id)}
                            onClick={() => toggle(cpu.id)}
                          >
                            <span className="tune-thread-id">{cpu.id}</span>
                            {ran && <span className="tune-ran" aria-hidden="true" />}
                          </button>
                        );
                      })}
                    </div>
                  ))}
                </div>
              </div>
            ))}
          </div>
        ))}
      </div>
      <div className="tune-apply-row">
        <Timing running={running} />
        <span className="spacer" />
        <button
          type="button"
          className="btn small"
          disabled={!dirty || busy}
          data-testid="tune-pin-revert"
          onClick={() => {
            const next = new Map(drafts);
            next.delete(target);
            setDrafts(next);
            setCheckError(null);
          }}
        >
          {t('tune.revert')}
        </button>
        <button
          type="button"
          className="btn small suggested"
          disabled={!dirty || busy}
          data-testid="tune-pin-apply"
          onClick={submit}
        >
          {t('tune.cpu.apply', { target: targetLabel(target) })}
        </button>
      </div>
      {checkError && (
        <p className="error-text" role="alert" data-testid="tune-pin-error">
          {checkError}
        </p>
      )}
      <OutcomeNote outcome={outcome} vmName={vmName} testId="tune-pin-outcome" />
    </section>
  );
};
