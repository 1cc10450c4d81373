/** The image a disk or CD-ROM uses: a volume of a pool (picked) or a path on the host (typed). */
import type { DeviceChoices } from '../../../../../../shared/contract/hardware-devices.js';
import { useT } from '../../../../i18n/index.js';
import { SelectField, TextField } from '../../../../ui/Field.js';
import { ChoiceField } from '../fields.js';
import { formatBytes } from './choices.js';

const IMAGE_KINDS = ['volume', 'file'] as const;

export interface ExistingImage {
  kind: (typeof IMAGE_KINDS)[number];
  pool: string;
  volume: string;
  path: string;
}

export const emptyImage: ExistingImage = { kind: 'volume', pool: '', volume: '', path: '' };

/** The image as the contract takes it, or null while incomplete. */
export const imageOf = (
  v: ExistingImage,
): { kind: 'volume'; pool: string; volume: string } | { kind: 'file'; path: string } | null =>
  v.kind === 'volume'
    ? v.pool && v.volume
      ? { kind: 'volume', pool: v.pool, volume: v.volume }
      : null
    : v.path.trim()
      ? { kind: 'file', path: v.path.trim() }
      : null;

export const PoolSelect = ({
  id,
  choices,
  value,
  onChange,
  error,
}: {
  id: string;
  choices: DeviceChoices | null;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) => {
  const t = useT();
  return (
    <SelectField
      id={id}
      label={t('hwd.pool')}
      value={value}
      onChange={onChange}
      error={error ?? null}
      data-testid={id}
    >
      <option value="">{choices ? t('hwd.choosePool') : t('common.loading')}</option>
      {choices?.pools.map((p) => (
        <option key={p.name} value={p.name} disabled={!p.active}>
          {p.active
            ? p.availableBytes !== null
              ? t('hwd.poolFree', { pool: p.name, free: formatBytes(p.availableBytes) })
              : p.name
            : t('hwd.poolStopped', { pool: p.name })}
        </option>
      ))}
    </SelectField>
  );
};

export const ImageFields = ({
  idPrefix,
  choices,
  value,
  onChange,
  errors,
}: {
  idPrefix: string;
  choices: DeviceChoices | null;
  value: ExistingImage;
  onChange: (v: ExistingImage) => void;
  errors: Readonly<Record<string, string>>;
}) => {
  const t = useT();
  const pool = choices?.pools.find((p) => p.name === value.pool);
  return (
    <>
      <ChoiceField
        id={`${idPrefix}-kind`}
        label={t('hwd.imageFrom')}
        value={value.kind}
        onChange={(k) => onChange({ ...value, kind: k })}
        data-testid={`${idPrefix}-kind`}
        options={IMAGE_KINDS}
        optionLabel={(k) => t(`hwd.imageFrom.${k}`)}
      />
      {value.kind === 'volume' ? (
        <div className="hw-fields-row">
          <PoolSelect
            id={`${idPrefix}-pool`}
            choices={choices}
            value={value.pool}
            onChange={(p) => onChange({ ...value, pool: p, volume: '' })}
            error={errors['pool']}
          />
          <SelectField
            id={`${idPrefix}-volume`}
            label={t('hwd.volume')}
            value={value.volume}
            onChange={(v) => onChange({ ...value, volume: v })}
            error={errors['volume'] ?? null}
            disabled={!pool}
            data-testid={`${idPrefix}-volume`}
          >
            <option value="">{t('hwd.chooseVolume')}</option>
            {pool?.volumes.map((v) => (
              <option key={v.name} value={v.name}>
                {`${v.name} (${formatBytes(v.capacityBytes)}${v.format ? `, ${v.format}` : ''})`}
              </option>
            ))}
          </SelectField>
        </div>
      ) : (
        <TextField
          id={`${idPrefix}-path`}
          label={t('hwd.path')}
          value={value.path}
          onChange={(p) => onChange({ ...value, path: p })}
          error={errors['path'] ?? null}
          placeholder="/var/lib/libvirt/images/disk.qcow2"
          autoComplete="off"
          spellCheck={false}
          data-testid={`${idPrefix}-path`}
        />
      )}
    </>
  );
};
