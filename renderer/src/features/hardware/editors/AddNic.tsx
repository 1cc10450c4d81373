/** Add hardware → Network interface: where it is connected, model, MAC (or libvirt's), link state. */
import { useMemo, useState } from 'react';
import type { NicAdd } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { CheckField, TextField } from '../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../issues.js';
import { useDeviceChoices } from './devices/choices.js';
import {
  NicSourceFields,
  nicSourceOf,
  nicSourceValues,
  type NicSourceValues,
} from './devices/NicSourceFields.js';
import { ChoiceField } from './fields.js';
import { sourceErrors } from './NicEditor.js';
import { AdderForm } from './bar.js';
import type { HwAdderProps } from './types.js';

export const AddNic = (props: HwAdderProps) => {
  const { connectionId, hw } = props;
  const t = useT();
  const { choices } = useDeviceChoices(connectionId);
  const [source, setSource] = useState<NicSourceValues>(() => nicSourceValues());
  const [model, setModel] = useState(hw.limits.nicModels[0] ?? 'virtio');
  const [mac, setMac] = useState('');
  const [up, setUp] = useState(true);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const touched = () => setRemote({});
  const { change, issues } = useMemo(() => {
    const c: NicAdd = {
      kind: 'nic.add',
      source: nicSourceOf(source),
      model,
      ...(mac.trim() ? { mac: mac.trim() } : {}),
      ...(up ? {} : { linkState: 'down' as const }),
    };
    return { change: c, issues: checkChange(c) };
  }, [source, model, mac, up]);
  const shown = { ...issues, ...remote };
  return (
    <AdderForm
      p={props}
      titleId="hwd-add-nic-title"
      title={t('hwd.addNic.title')}
      testId="hw-add-nic-form"
      itemId="add-nic"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
    >
      <NicSourceFields
        idPrefix="hwd-add-nic"
        connectionId={connectionId}
        choices={choices}
        value={source}
        onChange={(v) => {
          setSource(v);
          touched();
        }}
        errors={sourceErrors(shown)}
      />
      <div className="hw-fields-row">
        <ChoiceField
          id="hwd-add-nic-model"
          label={t('hwd.nic.model')}
          value={model}
          onChange={setModel}
          options={hw.limits.nicModels}
        />
        <TextField
          id="hwd-add-nic-mac"
          label={t('hwd.nic.mac')}
          value={mac}
          onChange={(x) => {
            setMac(x);
            touched();
          }}
          placeholder={t('hwd.nic.macAuto')}
          error={shown['mac'] ?? null}
          autoComplete="off"
          spellCheck={false}
          data-testid="hwd-add-nic-mac"
        />
      </div>
      <CheckField label={t('hwd.nic.linkUp')} checked={up} onChange={setUp} />
    </AdderForm>
  );
};
