/** A host device passed through: which one (named from the host's list when it is there), Remove. */
import type { HostdevView } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import type { HwEditorProps } from '../types.js';
import { Facts, nthOf } from './common.js';
import { deviceName, useHostDevices } from './hostDevices.js';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** `usb 1d6b:0002` / `pci 0000:00:02.0` from the device's own source. */
const sourceText = (h: HostdevView): string => {
  const s = h.source;
  if (!s) return h.key;
  return s.type === 'usb' ? `${hex4(s.vendor)}:${hex4(s.product)}` : h.key.slice('pci:'.length);
};

export const HostdevEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item } = props;
  const n = nthOf(item.id);
  const h = n === null ? undefined : hw.config.hostdev[n];
  const { devices } = useHostDevices(props.connectionId);
  if (!h) return <p className="dim">{t('hwp.gone')}</p>;
  const s = h.source;
  const onHost = devices?.find((d) =>
    !s
      ? false
      : s.type === 'pci'
        ? d.bus === 'pci' && `pci:${d.address}` === h.key
        : d.bus === 'usb' &&
          d.source.type === 'usb' &&
          d.source.vendor === s.vendor &&
          d.source.product === s.product,
  );
  const title = onHost ? deviceName(onHost) : t('hwp.hostdev.title', { type: h.type.toUpperCase() });
  return (
    <section aria-labelledby="hwp-hostdev-title" data-testid="hw-editor-hostdev">
      <h3 id="hwp-hostdev-title" className="section-title">
        {title}
      </h3>
      <Facts
        rows={[
          [t('hwp.hostdev.bus'), h.type.toUpperCase()],
          [h.type === 'pci' ? t('hwp.hostdev.address') : t('hwp.hostdev.ids'), sourceText(h)],
          [t('hwp.hostdev.managed'), h.managed ? t('hwp.yes') : t('hwp.no')],
          [t('hwp.hostdev.driver'), onHost ? (onHost.driver ?? t('hwp.hostdev.noDriver')) : null],
          [t('hwp.hostdev.onHost'), devices && !onHost ? t('hwp.hostdev.notOnHost') : null],
        ]}
      />
      <RemoveDevice
        connectionId={props.connectionId}
        vmUuid={props.vmUuid}
        vmName={props.vmName}
        running={props.running}
        change={{ kind: 'hostdev.remove', key: h.key }}
        label={title}
        onApplied={props.onApplied}
      />
    </section>
  );
};
