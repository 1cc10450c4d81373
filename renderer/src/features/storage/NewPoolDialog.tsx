import { calls } from '../../../../shared/contract/index.js';
import {
  POOL_TYPE_NEEDS,
  POOL_TYPE_OPTIONAL,
  POOL_TYPES,
  type PoolField,
  type PoolType,
} from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { CheckField, SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';

interface Values extends Record<string, unknown> {
  name: string;
  type: PoolType;
  targetPath: string;
  sourceDevice: string;
  sourceHost: string;
  sourceDir: string;
  sourceName: string;
  sourceFormat: string;
  build: boolean;
  autostart: boolean;
}

const FIELDS: readonly PoolField[] = ['sourceHost', 'sourceDevice', 'sourceDir', 'sourceName', 'targetPath'];

/** A new pool of any type this host's libvirt has: the fields its type needs, built and started. */
export const NewPoolDialog = ({
  connectionId,
  onClose,
  onCreated,
}: {
  connectionId: string;
  onClose: () => void;
  onCreated: (name: string) => void;
}) => {
  const t = useT();
  const caps = useCall('storage.poolTypes', { connectionId });
  const offered = POOL_TYPES.filter(
    (type) => caps.data?.types.some((c) => c.type === type && c.supported) ?? type === 'dir',
  );
  const form = useForm({
    schema: calls['storage.createPool'].input,
    initial: (): Values => ({
      name: '',
      type: 'dir',
      targetPath: '',
      sourceDevice: '',
      sourceHost: '',
      sourceDir: '',
      sourceName: '',
      sourceFormat: '',
      build: true,
      autostart: true,
    }),
    toInput: (v) => {
      const shown = new Set<PoolField>([...POOL_TYPE_NEEDS[v.type], ...(POOL_TYPE_OPTIONAL[v.type] ?? [])]);
      const input: Record<string, unknown> = {
        connectionId,
        name: v.name.trim(),
        type: v.type,
        build: v.build,
        autostart: v.autostart,
      };
      for (const f of FIELDS) if (shown.has(f) && v[f].trim()) input[f] = v[f].trim();
      if (v.sourceFormat) input.sourceFormat = v.sourceFormat;
      return input;
    },
  });
  const v = form.values;
  const needed = new Set<PoolField>([...POOL_TYPE_NEEDS[v.type], ...(POOL_TYPE_OPTIONAL[v.type] ?? [])]);
  const formats = caps.data?.types.find((c) => c.type === v.type)?.sourceFormats ?? [];
  return (
    <Dialog
      title={t('storage.newPool.title')}
      onClose={onClose}
      testId="new-pool-dialog"
      onSubmit={() =>
        void form.submit(async (input) => {
          const pool = await getApi().call('storage.createPool', input);
          onCreated(pool.name);
        })
      }
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={form.submitting || !v.name.trim()}>
            {t('storage.create')}
          </button>
        </>
      }
    >
      <fieldset className="plain-fieldset" disabled={form.submitting}>
        <div className="field-row">
          <TextField
            id="pool-name"
            label={t('storage.field.name')}
            value={v.name}
            autoFocus
            error={form.errors.name}
            onChange={(x) => form.set('name', x)}
          />
          <SelectField
            id="pool-type"
            label={t('storage.field.type')}
            value={v.type}
            error={form.errors.type}
            onChange={(x) => {
              form.set('type', x as PoolType);
              form.set('sourceFormat', '');
            }}
          >
            {offered.map((type) => (
              <option key={type} value={type}>
                {t(`storage.type.${type}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <p className="dim">{t(`storage.typeHint.${v.type}`)}</p>
        {FIELDS.filter((f) => needed.has(f)).map((f) => (
          <TextField
            key={f}
            id={`pool-${f}`}
            label={t(`storage.field.${f}`)}
            value={v[f]}
            placeholder={t(`storage.placeholder.${f}`)}
            error={form.errors[f]}
            onChange={(x) => form.set(f, x)}
          />
        ))}
        {formats.length > 0 && (
          <SelectField
            id="pool-format"
            label={t('storage.field.sourceFormat')}
            value={v.sourceFormat}
            error={form.errors.sourceFormat}
            onChange={(x) => form.set('sourceFormat', x)}
          >
            <option value="">{t('storage.defaultFormat')}</option>
            {formats.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </SelectField>
        )}
        <CheckField
          label={t(`storage.build.${v.type === 'dir' ? 'dir' : 'device'}`)}
          checked={v.build}
          onChange={(x) => form.set('build', x)}
        />
        <CheckField
          label={t('storage.autostartLabel')}
          checked={v.autostart}
          onChange={(x) => form.set('autostart', x)}
        />
        {form.errors.form && <p className="error-text">{form.errors.form}</p>}
      </fieldset>
    </Dialog>
  );
};
