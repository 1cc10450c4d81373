import { calls } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { showToast } from '../../store/toasts.js';
import { TextField } from '../../ui/Field.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { useForm } from '../../ui/form/useForm.js';

interface Range {
  start: string;
  end: string;
}

/**
 * One DHCP range of a network (IPv4 or IPv6), its start and end editable: applied live (when the network runs) and
 * to its definition. The main process checks it (inside the subnet, start before end, no static host
 * inside, no overlap) and its refusals land at the fields. Remount it (key) when the range changes.
 */
export const DhcpRangeEditor = ({
  connectionId,
  network,
  range,
  index,
  onChanged,
}: {
  connectionId: string;
  network: string;
  range: Range;
  index: number;
  onChanged: () => void;
}) => {
  const t = useT();
  const form = useForm({
    schema: calls['networks.dhcpRange'].input,
    initial: { start: range.start, end: range.end },
    toInput: (v) => ({
      connectionId,
      name: network,
      old: range,
      range: { start: v.start.trim(), end: v.end.trim() },
    }),
    paths: { 'range.start': 'start', 'range.end': 'end' },
  });
  const v = form.values;
  const unchanged = v.start.trim() === range.start && v.end.trim() === range.end;
  return (
    <>
      <form
        className="entry-row range-row"
        data-testid="network-dhcp-range"
        aria-label={t('netrange.label', { start: range.start, end: range.end })}
        onSubmit={(e) => {
          e.preventDefault();
          void form
            .submit((input) => getApi().call('networks.dhcpRange', input))
            .then((r) => {
              if (!r.ok) return;
              showToast(t('netrange.done', { network, start: v.start.trim(), end: v.end.trim() }));
              onChanged();
            });
        }}
      >
        <TextField
          id={`dhcp-range-start-${index}`}
          label={t('netrange.start')}
          value={v.start}
          error={form.errors.start}
          onChange={(x) => form.set('start', x)}
        />
        <TextField
          id={`dhcp-range-end-${index}`}
          label={t('netrange.end')}
          value={v.end}
          error={form.errors.end}
          onChange={(x) => form.set('end', x)}
        />
        <button type="submit" className="btn" disabled={form.submitting || unchanged}>
          {t('netrange.apply')}
        </button>
      </form>
      {form.errors.form !== undefined && (
        <FailureNote message={t('netrange.failed')} detail={form.errors.form} />
      )}
    </>
  );
};
