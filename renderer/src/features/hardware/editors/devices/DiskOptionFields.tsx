/** A disk's driver options (cache, I/O, discard: libvirt's default or a mode) and its read-only and shareable flags; shared by Add and edit. */
import {
  DISK_CACHE_MODES,
  DISK_DISCARD_MODES,
  DISK_IO_MODES,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { CheckField } from '../../../../ui/Field.js';
import { ChoiceField } from '../fields.js';

/** '' is libvirt's default (no attribute). */
export interface DiskOptionValues {
  cache: string;
  io: string;
  discard: string;
  readonly: boolean;
  shareable: boolean;
}

/** Sets one of the values (an editor's own `set`, whatever else its draft holds). */
interface SetOption {
  (k: 'cache' | 'io' | 'discard', v: string): void;
  (k: 'readonly' | 'shareable', v: boolean): void;
}

/** 'default' is the empty choice's (it clears the attribute). */
const CACHE_MODES = DISK_CACHE_MODES.filter((m) => m !== 'default');

export const DiskOptionFields = ({
  idPrefix,
  value,
  set,
  errors = {},
  readonlyOffered,
}: {
  idPrefix: string;
  value: DiskOptionValues;
  set: SetOption;
  /** By field: cache, io, discard. */
  errors?: Readonly<Record<string, string>>;
  /** A CD-ROM is read-only anyway. */
  readonlyOffered: boolean;
}) => {
  const t = useT();
  return (
    <>
      <div className="hw-fields-row">
        <ChoiceField
          id={`${idPrefix}-cache`}
          label={t('hwd.cache')}
          value={value.cache}
          onChange={(x) => set('cache', x)}
          error={errors['cache']}
          empty={t('hwd.default')}
          options={CACHE_MODES}
        />
        <ChoiceField
          id={`${idPrefix}-io`}
          label={t('hwd.io')}
          value={value.io}
          onChange={(x) => set('io', x)}
          error={errors['io']}
          empty={t('hwd.default')}
          options={DISK_IO_MODES}
        />
        <ChoiceField
          id={`${idPrefix}-discard`}
          label={t('hwd.discard')}
          value={value.discard}
          onChange={(x) => set('discard', x)}
          error={errors['discard']}
          empty={t('hwd.default')}
          options={DISK_DISCARD_MODES}
          optionLabel={(m) => t(`hwd.discard.${m}`)}
        />
      </div>
      {readonlyOffered && (
        <CheckField label={t('hwd.readonly')} checked={value.readonly} onChange={(x) => set('readonly', x)} />
      )}
      <CheckField
        label={t('hwd.shareable')}
        checked={value.shareable}
        onChange={(x) => set('shareable', x)}
      />
    </>
  );
};
