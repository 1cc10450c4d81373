import { useState } from 'react';
import type { HostMemoryOutput, HugepagePool } from '../../../../shared/contract/host-memory.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { fmtBytes, fmtNum } from '../stats/format.js';
import { errorParts } from './errorParts.js';

export const pageSizeText = (kib: number): string =>
  kib >= 1024 * 1024 ? `${kib / (1024 * 1024)} GiB` : kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`;

/** One pool (node × page size): its figures and a field for its new size. */
const PoolRow = ({
  pool,
  connectionId,
  onChanged,
}: {
  pool: HugepagePool;
  connectionId: string;
  onChanged: (m: HostMemoryOutput) => void;
}) => {
  const t = useT();
  const [count, setCount] = useState(String(pool.total));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; detail?: string } | null>(null);
  const id = `pool-${pool.cell}-${pool.sizeKiB}`;
  const submit = async () => {
    const raw = count.trim();
    if (!/^\d{1,10}$/.test(raw) || Number(raw) > 1_000_000_000)
      return setFailure({ message: t('hostmem.pages.bad') });
    setBusy(true);
    setFailure(null);
    try {
      onChanged(
        await getApi().call('host.setHugepages', {
          connectionId,
          cell: pool.cell,
          sizeKiB: pool.sizeKiB,
          count: Number(raw),
        }),
      );
    } catch (e) {
      setFailure(errorParts(toApiError(e).message));
    } finally {
      setBusy(false);
    }
  };
  const used = pool.free === null ? null : pool.total - pool.free;
  return (
    <>
      <tr data-testid={id}>
        <td>{pool.cell}</td>
        <td>{pageSizeText(pool.sizeKiB)}</td>
        <td data-testid={`${id}-total`}>
          {fmtNum(pool.total)} <span className="dim">({fmtBytes(pool.total * pool.sizeKiB * 1024)})</span>
        </td>
        <td data-testid={`${id}-free`}>{fmtNum(pool.free)}</td>
        <td>{fmtNum(used)}</td>
        <td>
          <form
            className="hostmem-pool-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <input
              id={`${id}-count`}
              className="entry"
              inputMode="numeric"
              autoComplete="off"
              aria-label={t('hostmem.pages.newSize', { node: pool.cell, size: pageSizeText(pool.sizeKiB) })}
              aria-invalid={failure ? true : undefined}
              value={count}
              data-testid={`${id}-count`}
              onChange={(e) => {
                setCount(e.target.value);
                setFailure(null);
              }}
            />
            <button
              type="submit"
              className="btn small"
              disabled={busy || count.trim() === String(pool.total)}
              data-testid={`${id}-set`}
            >
              {t('hostmem.pages.set')}
            </button>
          </form>
        </td>
      </tr>
      {failure && (
        <tr>
          <td colSpan={6}>
            <FailureNote message={failure.message} detail={failure.detail} testId={`${id}-error`} />
          </td>
        </tr>
      )}
    </>
  );
};

/** Huge page pools of each NUMA node: total and free per page size, and a new size for each. */
export const HugepagesCard = ({
  connectionId,
  data,
  onChanged,
}: {
  connectionId: string;
  data: HostMemoryOutput;
  onChanged: (m: HostMemoryOutput) => void;
}) => {
  const t = useT();
  return (
    <section className="hostmem-card" aria-labelledby="hugepages-title" data-testid="hugepages-card">
      <h3 id="hugepages-title">{t('hostmem.pages.title')}</h3>
      <p className="dim">{t('hostmem.pages.what')}</p>
      {data.poolsError && (
        <FailureNote
          message={t('hostmem.pages.unavailable')}
          detail={data.poolsError}
          testId="hugepages-error"
        />
      )}
      {data.pools.length === 0 && !data.poolsError ? (
        <p className="dim">{t('hostmem.pages.none')}</p>
      ) : (
        <div className="hostmem-table-wrap">
          <table className="host-table" data-testid="hugepages-table">
            <thead>
              <tr>
                <th>{t('hostmem.pages.node')}</th>
                <th>{t('hostmem.pages.size')}</th>
                <th>{t('hostmem.pages.total')}</th>
                <th>{t('hostmem.pages.free')}</th>
                <th>{t('hostmem.pages.used')}</th>
                <th>{t('hostmem.pages.change')}</th>
              </tr>
            </thead>
            <tbody>
              {data.pools.map((p) => (
                <PoolRow
                  key={`${p.cell}-${p.sizeKiB}`}
                  pool={p}
                  connectionId={connectionId}
                  onChanged={onChanged}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="dim hostmem-note">
        {data.cellsFree
          .map((c) => t('hostmem.pages.cellFree', { node: c.cell, free: fmtBytes(c.bytes) }))
          .join(' · ')}
      </p>
    </section>
  );
};
