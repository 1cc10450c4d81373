/**
 * Add hardware → Disk or CD-ROM: a new volume in a pool (size, format), an existing volume, a file, or an
 * empty CD-ROM drive; bus and target (the first free one by default), serial and driver options. The foot
 * says whether it is added now, at next boot or both, and shows the XML change before it is applied.
 */
import { useMemo, useState } from 'react';
import { DISK_FORMATS, type DiskAdd } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { TextField } from '../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../issues.js';
import { parseSize, SIZE_UNITS, useDeviceChoices, type SizeUnit } from './devices/choices.js';
import { emptyImage, ImageFields, imageOf, PoolSelect, type ExistingImage } from './devices/DeviceSource.js';
import { DiskOptionFields } from './devices/DiskOptionFields.js';
import { ChoiceField } from './fields.js';
import { AdderForm } from './bar.js';
import type { HwAdderProps } from './types.js';

const BUSES = ['virtio', 'sata', 'scsi', 'usb', 'ide'] as const;
type Bus = (typeof BUSES)[number];
const DEVICES = ['disk', 'cdrom'] as const;

const prefixOf = (bus: string): string => (bus === 'virtio' ? 'vd' : bus === 'ide' ? 'hd' : 'sd');
const letters = (i: number): string => {
  let s = '';
  for (let n = i; n >= 0; n = Math.floor(n / 26) - 1) s = String.fromCharCode(97 + (n % 26)) + s;
  return s;
};
/** The target the main process picks when none is given (the first free one of the bus). */
export const firstFreeTarget = (bus: string, taken: ReadonlySet<string>): string => {
  for (let i = 0; ; i++) if (!taken.has(prefixOf(bus) + letters(i))) return prefixOf(bus) + letters(i);
};

interface Values {
  device: (typeof DEVICES)[number];
  from: 'new' | 'existing' | 'none';
  pool: string;
  name: string;
  size: string;
  unit: SizeUnit;
  format: (typeof DISK_FORMATS)[number];
  image: ExistingImage;
  bus: Bus;
  target: string;
  serial: string;
  cache: string;
  io: string;
  discard: string;
  readonly: boolean;
  shareable: boolean;
}

export const AddDisk = (props: HwAdderProps) => {
  const { connectionId, vmName, hw } = props;
  const t = useT();
  const { choices, error: choicesError } = useDeviceChoices(connectionId);
  const offered = BUSES.filter((b) => hw.limits.diskBuses.length === 0 || hw.limits.diskBuses.includes(b));
  const taken = useMemo(
    () => new Set([...hw.config.disk, ...(hw.live?.disk ?? [])].map((d) => d.target)),
    [hw.config.disk, hw.live],
  );
  const [v, setV] = useState<Values>(() => ({
    device: 'disk',
    from: 'new',
    pool: '',
    name: '',
    size: '10',
    unit: 'GiB',
    format: 'qcow2',
    image: emptyImage,
    bus: offered.includes('virtio') ? 'virtio' : (offered[0] ?? 'virtio'),
    target: '',
    serial: '',
    cache: '',
    io: '',
    discard: '',
    readonly: false,
    shareable: false,
  }));
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const set = <K extends keyof Values>(k: K, x: Values[K]) => {
    setV((s) => {
      const next = { ...s, [k]: x };
      // A CD-ROM takes an image or nothing, on a bus that has CD-ROMs (SATA/IDE/SCSI, not virtio).
      if (k === 'device' && x === 'cdrom') {
        if (next.from === 'new') next.from = 'existing';
        if (next.bus === 'virtio')
          next.bus = offered.find((b) => b === 'sata' || b === 'ide' || b === 'scsi') ?? next.bus;
      }
      if (k === 'device' && x === 'disk' && next.from === 'none') next.from = 'new';
      return next;
    });
    setRemote({});
  };
  const autoTarget = firstFreeTarget(v.bus, taken);
  const target = v.target.trim() || autoTarget;
  const defaultName = `${vmName}-${target}.${v.format}`.replace(/[/\s]+/g, '-');

  const { change, issues } = useMemo(() => {
    const issues: Record<string, string> = {};
    let source: DiskAdd['source'] | null = null;
    if (v.from === 'new') {
      const bytes = parseSize(v.size, v.unit);
      if (bytes === null) issues['source.capacityBytes'] = t('hwd.size.enter');
      if (!v.pool) issues['source.pool'] = t('hwd.choosePool');
      const name = v.name.trim() || defaultName;
      if (bytes !== null && v.pool)
        source = { kind: 'new-volume', pool: v.pool, name, capacityBytes: bytes, format: v.format };
    } else if (v.from === 'existing') {
      source = imageOf(v.image);
      if (!source) issues[v.image.kind === 'volume' ? 'source.volume' : 'source.path'] = t('hwd.chooseImage');
    } else source = { kind: 'none' };
    if (!source) return { change: null, issues };
    const c: DiskAdd = {
      kind: 'disk.add',
      device: v.device,
      source,
      bus: v.bus,
      ...(v.target.trim() ? { target: v.target.trim() } : {}),
      ...(v.serial.trim() ? { serial: v.serial.trim() } : {}),
      ...(v.cache ? { cache: v.cache as DiskAdd['cache'] } : {}),
      ...(v.io ? { io: v.io as DiskAdd['io'] } : {}),
      ...(v.discard ? { discard: v.discard as DiskAdd['discard'] } : {}),
      ...(v.readonly ? { readonly: true } : {}),
      ...(v.shareable ? { shareable: true } : {}),
    };
    return { change: c, issues: { ...checkChange(c), ...issues } };
  }, [v, defaultName, t]);
  const shown: Record<string, string> = { ...issues, ...remote };
  const sourceErr = (k: string) => shown[`source.${k}`];

  return (
    <AdderForm
      p={props}
      titleId="hwd-add-disk-title"
      title={t('hwd.addDisk.title')}
      testId="hw-add-disk-form"
      itemId="add-disk"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      newItemId={() => `disk:${target}`}
    >
      {choicesError && <p className="error-text">{choicesError}</p>}
      <div className="hw-fields-row">
        <ChoiceField
          id="hwd-add-device"
          label={t('hwd.device')}
          value={v.device}
          onChange={(x) => set('device', x)}
          data-testid="hwd-add-device"
          options={DEVICES}
          optionLabel={(d) => t(`hw.type.${d}`)}
        />
        <ChoiceField
          id="hwd-add-from"
          label={t('hwd.holds')}
          value={v.from}
          onChange={(x) => set('from', x)}
          error={shown['source.kind']}
          data-testid="hwd-add-from"
          options={v.device === 'disk' ? ['new', 'existing'] : ['existing', 'none']}
          optionLabel={(f) => t(`hwd.from.${f}`)}
        />
      </div>
      {v.from === 'new' && (
        <>
          <PoolSelect
            id="hwd-add-pool"
            choices={choices}
            value={v.pool}
            onChange={(x) => set('pool', x)}
            error={sourceErr('pool')}
          />
          <TextField
            id="hwd-add-name"
            label={t('hwd.volumeName')}
            value={v.name}
            onChange={(x) => set('name', x)}
            placeholder={defaultName}
            error={sourceErr('name') ?? null}
            autoComplete="off"
            spellCheck={false}
            data-testid="hwd-add-name"
          />
          <div className="hw-fields-row">
            <TextField
              id="hwd-add-size"
              label={t('hwd.size')}
              value={v.size}
              onChange={(x) => set('size', x)}
              error={sourceErr('capacityBytes') ?? null}
              inputMode="decimal"
              autoComplete="off"
              data-testid="hwd-add-size"
            />
            <ChoiceField
              id="hwd-add-unit"
              label={t('hwd.unit')}
              value={v.unit}
              onChange={(x) => set('unit', x)}
              options={SIZE_UNITS}
            />
            <ChoiceField
              id="hwd-add-format"
              label={t('hwd.format')}
              value={v.format}
              onChange={(x) => set('format', x)}
              options={DISK_FORMATS}
            />
          </div>
        </>
      )}
      {v.from === 'existing' && (
        <ImageFields
          idPrefix="hwd-add-image"
          choices={choices}
          value={v.image}
          onChange={(x) => set('image', x)}
          errors={{
            pool: sourceErr('pool') ?? '',
            volume: sourceErr('volume') ?? '',
            path: sourceErr('path') ?? '',
          }}
        />
      )}
      <div className="hw-fields-row">
        <ChoiceField
          id="hwd-add-bus"
          label={t('hwd.bus')}
          value={v.bus}
          onChange={(x) => set('bus', x)}
          error={shown['bus']}
          data-testid="hwd-add-bus"
          options={offered}
          optionLabel={(b) => t(`hwd.bus.${b}`)}
        />
        <TextField
          id="hwd-add-target"
          label={t('hwd.target')}
          value={v.target}
          onChange={(x) => set('target', x)}
          placeholder={autoTarget}
          error={shown['target'] ?? null}
          autoComplete="off"
          spellCheck={false}
          data-testid="hwd-add-target"
        />
      </div>
      <details className="hwd-advanced">
        <summary>{t('hwd.advanced')}</summary>
        <TextField
          id="hwd-add-serial"
          label={t('hwd.serial')}
          value={v.serial}
          onChange={(x) => set('serial', x)}
          error={shown['serial'] ?? null}
          autoComplete="off"
          spellCheck={false}
          data-testid="hwd-add-serial"
        />
        <DiskOptionFields idPrefix="hwd-add" value={v} set={set} readonlyOffered={v.device === 'disk'} />
      </details>
    </AdderForm>
  );
};
