import { calls } from '../../../../shared/contract/index.js';
import {
  DISCOVERY_NEEDS_HOST,
  ISCSI_POOL_TYPES,
  isDiscoverable,
  POOL_TYPE_NEEDS,
  POOL_TYPE_OPTIONAL,
  POOL_TYPES,
  type FoundPoolSource,
  type PoolField,
  type PoolType,
} from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { CheckField, SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { FindPoolSources } from './FindPoolSources.js';

interface Values extends Record<string, unknown> {
  name: string;
  type: PoolType;
  targetPath: string;
  sourceDevice: string;
  sourceHost: string;
  /** iSCSI portal port, as typed ('' = 3260). */
  sourcePort: string;
  sourceDir: string;
  sourceName: string;
  sourceFormat: string;
  build: boolean;
  autostart: boolean;
}

const FIELDS: readonly PoolField[] = ['sourceHost', 'sourceDevice', 'sourceDir', 'sourceName', 'targetPath'];

/** Where an iSCSI pool's LUNs appear on the host (libvirt's usual target for it). */
const ISCSI_TARGET_PATH = '/dev/disk/by-path';

const isIscsi = (type: PoolType): boolean => ISCSI_POOL_TYPES.includes(type);

/** The port as the contract wants it: a number, or nothing when the field is empty. */
const portOf = (text: string): number | undefined => {
  const s = text.trim();
  return s === '' ? undefined : /^\d+$/.test(s) ? Number(s) : Number.NaN;
};

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
      sourcePort: '',
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
        // An iSCSI target has nothing to prepare (libvirt has no build step for it).
        build: isIscsi(v.type) ? false : v.build,
        autostart: v.autostart,
      };
      for (const f of FIELDS) if (shown.has(f) && v[f].trim()) input[f] = v[f].trim();
      if (isIscsi(v.type) && v.sourcePort.trim()) input.sourcePort = portOf(v.sourcePort);
      if (v.sourceFormat) input.sourceFormat = v.sourceFormat;
      return input;
    },
  });
  const v = form.values;
  const needed = new Set<PoolField>([...POOL_TYPE_NEEDS[v.type], ...(POOL_TYPE_OPTIONAL[v.type] ?? [])]);
  const formats = caps.data?.types.find((c) => c.type === v.type)?.sourceFormats ?? [];
  const discoverable = isDiscoverable(v.type) ? v.type : null;
  /** A found source fills the fields it names, exactly as libvirt reported them. */
  const pick = (s: FoundPoolSource): void => {
    if (s.host) form.set('sourceHost', s.host);
    if (isIscsi(v.type)) {
      if (s.device) form.set('sourceDevice', s.device);
      form.set('sourcePort', s.port ? String(s.port) : '');
      if (v.type === 'iscsi' && !v.targetPath.trim()) form.set('targetPath', ISCSI_TARGET_PATH);
    }
    if (v.type === 'netfs' && s.dir) form.set('sourceDir', s.dir);
    if (s.name && (v.type === 'logical' || v.type === 'gluster')) form.set('sourceName', s.name);
    if (s.format && formats.includes(s.format)) form.set('sourceFormat', s.format);
    // A volume group that exists already is used as it is, never built over.
    if (v.type === 'logical') form.set('build', false);
  };
  const finder = discoverable && (
    <FindPoolSources
      connectionId={connectionId}
      type={discoverable}
      host={v.sourceHost}
      port={isIscsi(v.type) ? portOf(v.sourcePort) : undefined}
      disabled={form.submitting}
      onPick={pick}
    />
  );
  const hostFirst = discoverable !== null && DISCOVERY_NEEDS_HOST.includes(discoverable);
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
        {!hostFirst && finder}
        {FIELDS.filter((f) => needed.has(f)).map((f) => {
          // An iSCSI pool's "device" is the target's name; the server goes with its portal port.
          const iscsiDevice = f === 'sourceDevice' && isIscsi(v.type);
          const field = (
            <TextField
              key={f}
              id={`pool-${f}`}
              label={t(iscsiDevice ? 'storage.field.iscsiTarget' : `storage.field.${f}`)}
              value={v[f]}
              placeholder={t(iscsiDevice ? 'storage.placeholder.iscsiTarget' : `storage.placeholder.${f}`)}
              error={form.errors[f]}
              onChange={(x) => form.set(f, x)}
            />
          );
          if (f !== 'sourceHost') return field;
          return (
            <div key={f}>
              {isIscsi(v.type) ? (
                <div className="field-row">
                  {field}
                  <TextField
                    id="pool-sourcePort"
                    label={t('storage.field.sourcePort')}
                    value={v.sourcePort}
                    inputMode="numeric"
                    placeholder="3260"
                    error={form.errors.sourcePort}
                    onChange={(x) => form.set('sourcePort', x)}
                  />
                </div>
              ) : (
                field
              )}
              {hostFirst && finder}
            </div>
          );
        })}
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
        {!isIscsi(v.type) && (
          <CheckField
            label={t(`storage.build.${v.type === 'dir' ? 'dir' : 'device'}`)}
            checked={v.build}
            onChange={(x) => form.set('build', x)}
          />
        )}
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
