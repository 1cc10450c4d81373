import { useEffect, useRef, useState } from 'react';
import { checkTuningChange } from '../../../../shared/contract/tuning-checks.js';
import { baseKiB, pageSizeText } from '../../../../shared/contract/tuning-checks-numa.js';
import {
  numaModes,
  type GuestNumaView,
  type TuningChange,
  type TuningGetOutput,
} from '../../../../shared/contract/tuning.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { XmlDiffView } from '../../ui/XmlDiffView.js';
import { cpuListText } from './CpuMap.js';
import { OutcomeNote, useApply } from './Outcome.js';
import { parseCpuSet } from './cpuSet.js';
import { spreadEvenly, type Row } from './guestNumaRows.js';
import './tuning-numa.css';
import './tuning-plans.css';

interface Props {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}

type Mode = (typeof numaModes)[number];

type GuestNumaChange = Extract<TuningChange, { kind: 'guest-numa' }>;

const MiB = 1024;

/** The fields' starting values: what the next-boot definition says. */
const initial = (g: GuestNumaView, hostSizes: readonly number[]) => {
  // `<hugepages/>` with no page (the Hardware tab's switch) means the host's default size: its smallest.
  const pages =
    g.hugepages?.length === 0 && hostSizes[0] ? [{ sizeKiB: hostSizes[0], cells: null }] : g.hugepages;
  const base = pages ? (pages.find((p) => p.cells === null) ?? pages[0]) : undefined;
  const rows: Row[] = g.cells.map((c) => {
    const own = pages?.find((p) => p.cells?.includes(c.id));
    return {
      cpus: cpuListText(c.cpus),
      memMiB: String(Math.round(c.memoryKiB / MiB)),
      nodes: c.hostNodes ? cpuListText(c.hostNodes.nodeset) : '',
      page: own && own.sizeKiB !== base?.sizeKiB ? String(own.sizeKiB) : '',
    };
  });
  const firstMode = g.cells.find((c) => c.hostNodes)?.hostNodes?.mode;
  return {
    rows,
    pageSize: base ? String(base.sizeKiB) : '',
    mode: ((numaModes as readonly string[]).includes(firstMode ?? '') ? firstMode : 'strict') as Mode,
  };
};

/** Rows → the change; the field (path) of a value that is not even a number or list. */
const build = (
  rows: readonly Row[],
  pageSize: string,
  mode: Mode,
): { change: GuestNumaChange } | { path: (string | number)[]; bad: 'cpus' | 'mem' | 'nodes' } => {
  const cells: GuestNumaChange['cells'] = [];
  for (const [i, r] of rows.entries()) {
    const cpus = parseCpuSet(r.cpus);
    if (cpus === null) return { path: ['cells', i, 'cpus'], bad: 'cpus' };
    if (!/^\d{1,9}$/.test(r.memMiB.trim())) return { path: ['cells', i, 'memoryKiB'], bad: 'mem' };
    const nodes = r.nodes.trim() === '' ? [] : parseCpuSet(r.nodes, 1023);
    if (nodes === null) return { path: ['cells', i, 'hostNodes'], bad: 'nodes' };
    cells.push({
      id: i,
      cpus,
      memoryKiB: Number(r.memMiB.trim()) * MiB,
      hostNodes: r.nodes.trim() === '' ? null : { mode, nodeset: nodes },
    });
  }
  if (pageSize === '') return { change: { kind: 'guest-numa', cells, hugepages: null } };
  const bySize = new Map<number, number[]>();
  rows.forEach((r, i) => {
    if (r.page !== '' && r.page !== pageSize)
      bySize.set(Number(r.page), [...(bySize.get(Number(r.page)) ?? []), i]);
  });
  const hugepages = [
    { sizeKiB: Number(pageSize), cells: null },
    ...[...bySize].map(([sizeKiB, ids]) => ({ sizeKiB, cells: ids })),
  ];
  return { change: { kind: 'guest-numa', cells, hugepages } };
};

/** The host's huge page pools: free and total pages per node and size. */
const HostPools = ({ data }: { data: TuningGetOutput }) => {
  const t = useT();
  const pools = data.host.hugepages;
  if (pools.length === 0)
    return (
      <p className="dim" data-testid="tune-gnuma-pools">
        {t('tune.gnuma.noPools')}
      </p>
    );
  return (
    <table className="tune-gnuma-pools" data-testid="tune-gnuma-pools">
      <caption>{t('tune.gnuma.pools')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('tune.gnuma.node')}</th>
          <th scope="col">{t('tune.gnuma.size')}</th>
          <th scope="col">{t('tune.gnuma.free')}</th>
          <th scope="col">{t('tune.gnuma.total')}</th>
        </tr>
      </thead>
      <tbody>
        {pools.map((p) => (
          <tr key={`${p.cell}-${p.sizeKiB}`} data-testid={`tune-gnuma-pool-${p.cell}-${p.sizeKiB}`}>
            <td>{p.cell}</td>
            <td>{pageSizeText(p.sizeKiB)}</td>
            <td data-testid={`tune-gnuma-pool-${p.cell}-${p.sizeKiB}-free`}>{p.free ?? '—'}</td>
            <td>{p.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/**
 * Guest NUMA and huge pages: the guest's own NUMA cells (its vCPUs, memory and the host nodes that
 * memory comes from) and the huge pages backing it, one size for all or per cell, beside the host's free
 * pages. Checked as the main process will before it is sent; libvirt takes it at the next boot only.
 */
export const GuestNuma = (props: Props) => {
  const t = useT();
  const { data } = props;
  const c = data.config;
  const sizes = [...new Set(data.host.hugepages.map((p) => p.sizeKiB))].sort((a, b) => a - b);
  const start = initial(c.guestNuma, sizes);
  const [rows, setRows] = useState<Row[]>(start.rows);
  const [pageSize, setPageSize] = useState(start.pageSize);
  const [mode, setMode] = useState<Mode>(start.mode);
  const [spread, setSpread] = useState(String(Math.min(2, Math.max(1, c.maxVcpus))));
  const [issues, setIssues] = useState<{ path: (string | number)[]; message: string }[]>([]);
  const { busy, outcome, apply, clear } = useApply(props.connectionId, props.vmUuid, props.onApplied);
  const list = useRef<HTMLDivElement>(null);
  /** The definition before and after, shown before Apply; null while editing. */
  const [review, setReview] = useState<{
    change: GuestNumaChange;
    beforeXml: string;
    proposedXml: string;
  } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (review) requestAnimationFrame(() => confirmRef.current?.focus());
  }, [review]);

  const hostNodes = data.host.cells.map((h) => h.id);
  const base = baseKiB(data.host.cells);
  const edit = (next: Row[]) => {
    setRows(next);
    setIssues([]);
    setReview(null);
    clear();
  };
  const focusCell = (i: number) =>
    requestAnimationFrame(() =>
      list.current?.querySelector<HTMLInputElement>(`[data-testid="tune-gnuma-cell-${i}-cpus"]`)?.focus(),
    );
  const issueAt = (...path: (string | number)[]) =>
    issues.find((i) => path.every((p, k) => i.path[k] === p) && i.path.length === path.length)?.message ??
    null;
  // Issues without a field of their own (vCPUs in no cell, too few free pages…) are listed above Apply.
  const inField = (p: (string | number)[]) =>
    (p[0] === 'cells' && p.length === 3 && ['cpus', 'memoryKiB', 'hostNodes'].includes(String(p[2]))) ||
    (p[0] === 'hugepages' && p[1] === 0 && p[2] === 'sizeKiB') ||
    p[0] === 'spread';
  const general = issues.filter((i) => !inField(i.path));
  const sumMiB = rows.reduce((s, r) => s + (Number(r.memMiB) || 0), 0);
  const vmMiB = Math.round(c.memoryKiB / MiB);

  const submit = () => {
    const built = build(rows, pageSize, mode);
    if (!('change' in built)) {
      clear();
      return setIssues([{ path: built.path, message: t(`tune.gnuma.bad.${built.bad}`) }]);
    }
    const found = checkTuningChange(built.change, {
      cells: data.host.cells,
      config: c,
      running: props.running,
      live: data.live,
      pools: data.host.hugepages,
    });
    setIssues(found);
    clear();
    if (found.length > 0) return;
    // The definition's diff first, as the tab's other next-boot changes show it; Apply goes from there.
    setPreviewing(true);
    getApi()
      .call('tuning.preview', { connectionId: props.connectionId, uuid: props.vmUuid, change: built.change })
      .then(
        (r) => setReview({ change: built.change, ...r }),
        (e: unknown) => {
          const err = toApiError(e);
          setIssues(
            err.issues?.map((i) => ({ path: i.path.slice(1), message: i.message })) ?? [
              { path: [], message: err.message },
            ],
          );
        },
      )
      .finally(() => setPreviewing(false));
  };
  const confirm = () => {
    if (!review) return;
    const change = review.change;
    setReview(null);
    void apply(change);
  };

  return (
    <section className="tune-card" aria-labelledby="tune-gnuma-title" data-testid="tune-gnuma">
      <h3 id="tune-gnuma-title">{t('tune.gnuma.title')}</h3>
      <p className="dim">{t('tune.gnuma.what')}</p>
      <form
        className="tune-gnuma"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="tune-gnuma-spread">
          <TextField
            id="tune-gnuma-spread"
            data-testid="tune-gnuma-spread"
            label={t('tune.gnuma.spreadCount')}
            value={spread}
            inputMode="numeric"
            autoComplete="off"
            onChange={setSpread}
          />
          <button
            type="button"
            className="btn small"
            data-testid="tune-gnuma-spread-apply"
            onClick={() => {
              const n = Number(spread);
              if (!Number.isInteger(n) || n < 1 || n > Math.min(128, c.maxVcpus))
                return setIssues([
                  {
                    path: ['spread'],
                    message: t('tune.field.range', { min: 1, max: Math.min(128, c.maxVcpus) }),
                  },
                ]);
              edit(spreadEvenly(n, c.maxVcpus, c.memoryKiB, hostNodes, Number(pageSize) || 0));
              focusCell(0);
            }}
          >
            {t('tune.gnuma.spread', { n: spread })}
          </button>
          {issueAt('spread') && <span className="error-text">{issueAt('spread')}</span>}
        </div>

        <div className="tune-gnuma-cells" ref={list} role="list" aria-label={t('tune.gnuma.cells')}>
          {rows.length === 0 && (
            <p className="dim" data-testid="tune-gnuma-none">
              {t('tune.gnuma.noCells')}
            </p>
          )}
          {rows.map((r, i) => {
            const set = (patch: Partial<Row>) => edit(rows.map((x, k) => (k === i ? { ...x, ...patch } : x)));
            const id = `tune-gnuma-cell-${i}`;
            return (
              <fieldset key={i} className="tune-gnuma-cell" role="listitem" data-testid={id}>
                <legend>
                  {t('tune.gnuma.cell', { n: i })}
                  <button
                    type="button"
                    className="btn small flat tune-gnuma-remove"
                    data-testid={`${id}-remove`}
                    aria-label={t('tune.gnuma.removeCell', { n: i })}
                    onClick={() => {
                      edit(rows.filter((_, k) => k !== i));
                      if (rows.length > 1) focusCell(Math.max(0, i - 1));
                    }}
                  >
                    {t('tune.gnuma.remove')}
                  </button>
                </legend>
                <div className="tune-gnuma-cell-fields">
                  <TextField
                    id={`${id}-cpus`}
                    data-testid={`${id}-cpus`}
                    label={t('tune.gnuma.vcpus', { max: c.maxVcpus - 1 })}
                    value={r.cpus}
                    autoComplete="off"
                    placeholder="0-1"
                    onChange={(v) => set({ cpus: v })}
                    error={issueAt('cells', i, 'cpus')}
                  />
                  <TextField
                    id={`${id}-mem`}
                    data-testid={`${id}-mem`}
                    label={t('tune.gnuma.memory')}
                    value={r.memMiB}
                    inputMode="numeric"
                    autoComplete="off"
                    onChange={(v) => set({ memMiB: v })}
                    error={issueAt('cells', i, 'memoryKiB')}
                  />
                  <TextField
                    id={`${id}-nodes`}
                    data-testid={`${id}-nodes`}
                    label={t('tune.gnuma.hostNodes', { nodes: cpuListText(hostNodes) })}
                    value={r.nodes}
                    autoComplete="off"
                    placeholder={t('tune.gnuma.anyNode')}
                    onChange={(v) => set({ nodes: v })}
                    error={issueAt('cells', i, 'hostNodes')}
                  />
                  {pageSize !== '' && (
                    <SelectField
                      id={`${id}-page`}
                      data-testid={`${id}-page`}
                      label={t('tune.gnuma.cellPage')}
                      value={r.page}
                      onChange={(v) => set({ page: v })}
                    >
                      <option value="">
                        {t('tune.gnuma.sameAsVm', { size: pageSizeText(Number(pageSize)) })}
                      </option>
                      <option value={String(base)}>
                        {t('tune.gnuma.normalPages', { size: pageSizeText(base) })}
                      </option>
                      {sizes.map((s) => (
                        <option key={s} value={String(s)}>
                          {pageSizeText(s)}
                        </option>
                      ))}
                    </SelectField>
                  )}
                </div>
              </fieldset>
            );
          })}
        </div>
        <div className="tune-apply-row">
          <button
            type="button"
            className="btn small"
            data-testid="tune-gnuma-add"
            onClick={() => {
              edit([...rows, { cpus: '', memMiB: '', nodes: '', page: '' }]);
              focusCell(rows.length);
            }}
          >
            {t('tune.gnuma.add')}
          </button>
          {rows.length > 0 && sumMiB !== vmMiB && (
            <span className="dim" data-testid="tune-gnuma-sum">
              {t('tune.gnuma.sum', { sum: sumMiB, vm: vmMiB })}
            </span>
          )}
        </div>

        <div className="tune-gnuma-pages">
          <div className="tune-fields">
            <SelectField
              id="tune-gnuma-hugepages"
              data-testid="tune-gnuma-hugepages"
              label={t('tune.gnuma.hugepages')}
              value={pageSize}
              onChange={(v) => {
                setPageSize(v);
                setIssues([]);
                clear();
              }}
              error={issueAt('hugepages', 0, 'sizeKiB')}
            >
              <option value="">{t('tune.gnuma.noHugepages')}</option>
              {sizes.map((s) => (
                <option key={s} value={String(s)}>
                  {pageSizeText(s)}
                </option>
              ))}
            </SelectField>
            {rows.some((r) => r.nodes.trim() !== '') && (
              <SelectField
                id="tune-gnuma-mode"
                data-testid="tune-gnuma-mode"
                label={t('tune.gnuma.mode')}
                value={mode}
                onChange={(v) => setMode(v as Mode)}
              >
                {numaModes.map((m) => (
                  <option key={m} value={m}>
                    {t(`tune.numa.mode.${m}`)}
                  </option>
                ))}
              </SelectField>
            )}
          </div>
          <HostPools data={data} />
        </div>

        {general.length > 0 && (
          <ul className="tune-gnuma-issues" role="alert" data-testid="tune-gnuma-error">
            {general.map((i) => (
              <li key={i.message} className="error-text">
                {i.message}
              </li>
            ))}
          </ul>
        )}
        <div className="tune-apply-row">
          <span className="tune-timing">{t('tune.timing.nextBoot')}</span>
          {props.running && <span className="dim">{t('tune.gnuma.running')}</span>}
          <span className="spacer" />
          <button
            id="tune-gnuma-apply"
            type="submit"
            className="btn small suggested"
            disabled={busy || previewing}
            data-testid="tune-gnuma-apply"
          >
            {t('tune.gnuma.reviewButton')}
          </button>
        </div>
        {review && (
          <div
            className="tune-review"
            role="region"
            aria-label={t('tune.gnuma.review')}
            data-testid="tune-gnuma-review"
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setReview(null);
                requestAnimationFrame(() => document.getElementById('tune-gnuma-apply')?.focus());
              }
            }}
          >
            <h4>{t('tune.gnuma.review')}</h4>
            {review.beforeXml === review.proposedXml ? (
              <p data-testid="tune-gnuma-review-same">{t('tune.plan.same')}</p>
            ) : (
              <div className="tune-diff">
                <XmlDiffView before={review.beforeXml} after={review.proposedXml} />
              </div>
            )}
            <div className="tune-apply-row">
              <span className="tune-timing">
                {t(props.running ? 'tune.plan.timingRunning' : 'tune.plan.timingStopped')}
              </span>
              <span className="spacer" />
              <button
                type="button"
                className="btn small"
                data-testid="tune-gnuma-review-cancel"
                onClick={() => setReview(null)}
              >
                {t('tune.plan.cancel')}
              </button>
              <button
                ref={confirmRef}
                type="button"
                className="btn small suggested"
                disabled={busy}
                data-testid="tune-gnuma-review-apply"
                onClick={confirm}
              >
                {t('tune.apply')}
              </button>
            </div>
          </div>
        )}
        <OutcomeNote outcome={outcome} vmName={props.vmName} testId="tune-gnuma-outcome" />
      </form>
    </section>
  );
};
