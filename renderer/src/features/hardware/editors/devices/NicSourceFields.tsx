/** Where a NIC is connected: a libvirt network (picked), a host bridge, macvtap on a host device, or user-mode. */
import {
  NIC_DIRECT_MODES,
  NIC_SOURCE_TYPES,
  type NicSourceInput,
} from '../../../../../../shared/contract/hardware.js';
import type { DeviceChoices } from '../../../../../../shared/contract/hardware-devices.js';
import { useCall } from '../../../../api/hooks.js';
import { useT } from '../../../../i18n/index.js';
import { SelectField, TextField } from '../../../../ui/Field.js';
import { ChoiceField } from '../fields.js';

export interface NicSourceValues {
  type: NicSourceInput['type'];
  network: string;
  bridge: string;
  dev: string;
  mode: (typeof NIC_DIRECT_MODES)[number];
}

export const nicSourceValues = (v?: {
  type: string;
  source: string | null;
  directMode: string | null;
}): NicSourceValues => ({
  type: (NIC_SOURCE_TYPES as readonly string[]).includes(v?.type ?? '')
    ? (v!.type as NicSourceValues['type'])
    : 'network',
  network: v?.type === 'network' ? (v.source ?? '') : '',
  bridge: v?.type === 'bridge' ? (v.source ?? '') : '',
  dev: v?.type === 'direct' ? (v.source ?? '') : '',
  mode: (NIC_DIRECT_MODES as readonly string[]).includes(v?.directMode ?? '')
    ? (v!.directMode as NicSourceValues['mode'])
    : 'bridge',
});

/** The source as the contract takes it (the contract's schema checks the names). */
export const nicSourceOf = (v: NicSourceValues): NicSourceInput =>
  v.type === 'network'
    ? { type: 'network', network: v.network }
    : v.type === 'bridge'
      ? { type: 'bridge', bridge: v.bridge.trim() }
      : v.type === 'direct'
        ? { type: 'direct', dev: v.dev.trim(), mode: v.mode }
        : { type: 'user' };

export const NicSourceFields = ({
  idPrefix,
  connectionId,
  choices,
  value,
  onChange,
  errors,
}: {
  idPrefix: string;
  /** When given, the host's bridges / interfaces are offered as suggestions (networks.hostInterfaces). */
  connectionId?: string;
  choices: DeviceChoices | null;
  value: NicSourceValues;
  onChange: (v: NicSourceValues) => void;
  /** By field below the source: network, bridge, dev. */
  errors: Readonly<Record<string, string>>;
}) => {
  const t = useT();
  const set = <K extends keyof NicSourceValues>(k: K, x: NicSourceValues[K]) =>
    onChange({ ...value, [k]: x });
  const wantsHost = connectionId !== undefined && (value.type === 'bridge' || value.type === 'direct');
  const host = useCall('networks.hostInterfaces', wantsHost ? { connectionId } : null);
  const ifaces = host.data?.interfaces ?? [];
  /** The host's interfaces of the kind the field takes, as suggestions under it. */
  const suggestions = (id: string, bridges: boolean) => (
    <datalist id={id}>
      {ifaces
        .filter((i) => (i.type === 'bridge') === bridges && i.name !== 'lo')
        .map((i) => (
          <option key={i.name} value={i.name}>
            {`${i.name} (${i.type})`}
          </option>
        ))}
    </datalist>
  );
  return (
    <>
      <ChoiceField
        id={`${idPrefix}-type`}
        label={t('hwd.nic.connection')}
        value={value.type}
        onChange={(x) => set('type', x)}
        data-testid={`${idPrefix}-type`}
        options={NIC_SOURCE_TYPES}
        optionLabel={(s) => t(`hwd.nic.type.${s}`)}
      />
      {value.type === 'network' && (
        <SelectField
          id={`${idPrefix}-network`}
          label={t('hwd.nic.network')}
          value={value.network}
          onChange={(x) => set('network', x)}
          error={errors['network'] ?? null}
          data-testid={`${idPrefix}-network`}
        >
          <option value="">{choices ? t('hwd.nic.chooseNetwork') : t('common.loading')}</option>
          {value.network && !choices?.networks.some((n) => n.name === value.network) && (
            <option value={value.network}>{value.network}</option>
          )}
          {choices?.networks.map((n) => (
            <option key={n.name} value={n.name}>
              {n.active ? n.name : t('hwd.nic.networkStopped', { network: n.name })}
            </option>
          ))}
        </SelectField>
      )}
      {value.type === 'bridge' && (
        <TextField
          id={`${idPrefix}-bridge`}
          label={t('hwd.nic.bridge')}
          value={value.bridge}
          onChange={(x) => set('bridge', x)}
          error={errors['bridge'] ?? null}
          placeholder="br0"
          autoComplete="off"
          spellCheck={false}
          list={`${idPrefix}-bridge-list`}
        />
      )}
      {value.type === 'bridge' && suggestions(`${idPrefix}-bridge-list`, true)}
      {value.type === 'direct' && (
        <div className="hw-fields-row">
          <TextField
            id={`${idPrefix}-dev`}
            label={t('hwd.nic.dev')}
            value={value.dev}
            onChange={(x) => set('dev', x)}
            error={errors['dev'] ?? null}
            placeholder="enp1s0"
            autoComplete="off"
            spellCheck={false}
            list={`${idPrefix}-dev-list`}
          />
          {suggestions(`${idPrefix}-dev-list`, false)}
          <ChoiceField
            id={`${idPrefix}-mode`}
            label={t('hwd.nic.mode')}
            value={value.mode}
            onChange={(x) => set('mode', x)}
            options={NIC_DIRECT_MODES}
          />
        </div>
      )}
      {value.type === 'user' && <p className="dim">{t('hwd.nic.userHint')}</p>}
    </>
  );
};
