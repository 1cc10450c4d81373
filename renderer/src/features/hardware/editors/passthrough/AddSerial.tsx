/** Add hardware → Serial port or console (pty): an ISA serial port (next boot) or a virtio console (live). */
import { useState } from 'react';
import type { SerialAdd } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { ChoiceField } from '../fields.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';

export const AddSerial = (props: HwAdderProps) => {
  const t = useT();
  const [device, setDevice] = useState<SerialAdd['device']>('serial');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const change: SerialAdd = { kind: 'serial.add', device };
  const shown = { ...checkChange(change), ...remote };
  return (
    <AdderForm
      p={props}
      titleId="hwp-add-serial-title"
      title={t('hwp.addSerial.title')}
      testId="hw-add-serial-form"
      itemId="add-serial"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
    >
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
    </AdderForm>
  );
};
