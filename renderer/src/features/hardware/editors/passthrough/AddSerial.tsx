/** Add hardware → Serial port or console (pty): an ISA serial port (next boot) or a virtio console (live). */
import { useState } from 'react';
import type { SerialAdd } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { ApplyBar } from '../../ApplyBar.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { ChoiceField } from '../fields.js';
import { barProps, type AdderProps } from './common.js';

export const AddSerial = (props: AdderProps) => {
  const t = useT();
  const [device, setDevice] = useState<SerialAdd['device']>('serial');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const change: SerialAdd = { kind: 'serial.add', device };
  const shown = { ...checkChange(change), ...remote };
  return (
    <section aria-labelledby="hwp-add-serial-title" data-testid="hw-add-serial-form">
      <h3 id="hwp-add-serial-title" className="section-title">
        {t('hwp.addSerial.title')}
      </h3>
      <ChoiceField
        id="hwp-add-serial-device"
        label={t('hwp.addSerial.device')}
        value={device}
        onChange={(v) => {
          setDevice(v);
          setRemote({});
        }}
        error={shown['device']}
        hint={t(`hwp.addSerial.hint.${device}`)}
        options={['serial', 'console']}
        optionLabel={(d) => t(`hwp.addSerial.${d}`)}
      />
      <ApplyBar
        {...barProps(props)}
        itemId="add-serial"
        change={change}
        invalid={Object.keys(shown).length > 0}
        onIssues={setRemote}
        onApplied={() => props.onDone()}
        onRevert={() => props.onDone()}
      />
    </section>
  );
};
