/** A serial port or console: what it is, where its host side is, Remove. */
import { useT } from '../../../../i18n/index.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import type { HwEditorProps } from '../types.js';
import { Facts, nthOf } from './common.js';

export const SerialEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item } = props;
  const device = item.type === 'console' ? 'console' : 'serial';
  const n = nthOf(item.id);
  const s = n === null ? undefined : hw.config.serial.filter((x) => x.device === device)[n];
  if (!s) return <p className="dim">{t('hwp.gone')}</p>;
  const live = hw.live?.serial.find((x) => x.device === device && x.port === s.port);
  const title = t(`hwp.serial.title.${device}`, { port: s.port });
  return (
    <section aria-labelledby="hwp-serial-title" data-testid="hw-editor-serial">
      <h3 id="hwp-serial-title" className="section-title">
        {title}
      </h3>
      <Facts
        rows={[
          [t('hwp.serial.type'), s.type],
          [t('hwp.serial.target'), s.targetType ?? t('hwd.default')],
          [t('hwp.serial.hostSide'), live?.path ?? s.path],
          [t('hwp.serial.mirror'), s.mirrorsSerial ? t('hwp.serial.mirrorOf', { port: s.port }) : null],
        ]}
      />
      {s.mirrorsSerial ? (
        <p className="dim">{t('hwp.serial.mirrorNote')}</p>
      ) : (
        <RemoveDevice
          connectionId={props.connectionId}
          vmUuid={props.vmUuid}
          vmName={props.vmName}
          running={props.running}
          change={{ kind: 'serial.remove', device, port: s.port }}
          label={title}
          onApplied={props.onApplied}
        />
      )}
    </section>
  );
};
