/**
 * A disk or CD-ROM: what it is, its media (CD-ROM: change or eject, live), its size (disk: grow, live when
 * running), its options (cache, I/O, discard, read-only, shareable, serial: at next boot), and Remove.
 */
import { useEffect, useMemo, useState } from 'react';
import type { DiskChange, DiskOptions, DiskView } from '../../../../../shared/contract/hardware.js';
import { getApi } from '../../../api/client.js';
import { useT } from '../../../i18n/index.js';
import { CheckField, TextField } from '../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../issues.js';
import { formatBytes, parseSize, SIZE_UNITS, useDeviceChoices, type SizeUnit } from './devices/choices.js';
import { emptyImage, ImageFields, imageOf, type ExistingImage } from './devices/DeviceSource.js';
import { DiskOptionFields, type DiskOptionValues } from './devices/DiskOptionFields.js';
import { RemoveDevice } from './devices/RemoveDevice.js';
import { ChoiceField } from './fields.js';
import { EditorSection } from './bar.js';
import type { HwEditorProps } from './types.js';

const targetOf = (id: string): string => id.slice(id.indexOf(':') + 1);

export const DiskEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item, running } = props;
  const target = targetOf(item.id);
  const disk =
    hw.config.disk.find((d) => d.target === target) ?? hw.live?.disk.find((d) => d.target === target);
  if (!disk) return <p className="dim">{t('hwd.disk.gone', { target })}</p>;
  const isCd = disk.device === 'cdrom' || disk.device === 'floppy';
  const label = t(isCd ? 'hwd.cdromLabel' : 'hwd.diskLabel', { target });
  const liveDisk = hw.live?.disk.find((d) => d.target === target);
  return (
    <section aria-labelledby="hwd-disk-title" data-testid="hw-editor-disk">
      <h3 id="hwd-disk-title" className="section-title">
        {label}
      </h3>
      <dl className="hwd-facts">
        <dt>{t('hwd.bus')}</dt>
        <dd>{disk.bus ?? '—'}</dd>
        <dt>{t('hwd.source')}</dt>
        <dd className="hwd-path" data-testid="hwd-disk-source">
          {disk.source ?? t('hwd.noMedia')}
        </dd>
        {disk.format && (
          <>
            <dt>{t('hwd.format')}</dt>
            <dd>{disk.format}</dd>
          </>
        )}
        {running && !liveDisk && (
          <>
            <dt>{t('hwd.running')}</dt>
            <dd>{t('hwd.notInRunning')}</dd>
          </>
        )}
      </dl>
      {isCd ? <MediaSection {...props} disk={disk} /> : <SizeSection {...props} disk={disk} />}
      <OptionsSection {...props} disk={disk} />
      <RemoveDevice
        connectionId={props.connectionId}
        vmUuid={props.vmUuid}
        vmName={props.vmName}
        running={running}
        change={{ kind: 'disk.remove', target }}
        label={label}
        onApplied={props.onApplied}
      />
    </section>
  );
};

type SectionProps = HwEditorProps & { disk: DiskView };

const MediaSection = (p: SectionProps) => {
  const t = useT();
  const { choices } = useDeviceChoices(p.connectionId);
  const [eject, setEject] = useState(false);
  const [image, setImage] = useState<ExistingImage>(emptyImage);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const media = imageOf(image);
  const change: DiskChange | null = eject
    ? p.disk.source
      ? { kind: 'disk.media', target: p.disk.target, media: null }
      : null
    : media
      ? { kind: 'disk.media', target: p.disk.target, media }
      : null;
  return (
    <EditorSection
      p={p}
      section="media"
      titleId="hwd-media-title"
      title={t('hwd.media')}
      testId="hwd-media"
      change={change}
      invalid={false}
      onIssues={setRemote}
      onRevert={() => {
        setEject(false);
        setImage(emptyImage);
        setRemote({});
      }}
    >
      <CheckField label={t('hwd.eject')} checked={eject} onChange={setEject} data-testid="hwd-eject" />
      {!eject && (
        <ImageFields
          idPrefix="hwd-media"
          choices={choices}
          value={image}
          onChange={(v) => {
            setImage(v);
            setRemote({});
          }}
          errors={Object.fromEntries(Object.entries(remote).map(([k, v]) => [k.split('.').at(-1)!, v]))}
        />
      )}
    </EditorSection>
  );
};

const SizeSection = (p: SectionProps) => {
  const t = useT();
  const [current, setCurrent] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [unit, setUnit] = useState<SizeUnit>('GiB');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  useEffect(() => {
    let live = true;
    getApi()
      .call('hardware.diskSize', { connectionId: p.connectionId, uuid: p.vmUuid, target: p.disk.target })
      .then(
        (r) => live && setCurrent(r.capacityBytes),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [p.connectionId, p.vmUuid, p.disk.target]);
  const bytes = text.trim() ? parseSize(text, unit) : null;
  const local =
    text.trim() && bytes === null
      ? t('hwd.size.enter')
      : bytes !== null && current !== null && bytes < current
        ? t('hwd.size.noShrink', { size: formatBytes(current) })
        : undefined;
  const change: DiskChange | null =
    bytes !== null && bytes !== current
      ? { kind: 'disk.resize', target: p.disk.target, capacityBytes: bytes }
      : null;
  const error = local ?? remote['capacityBytes'];
  return (
    <EditorSection
      p={p}
      section="size"
      titleId="hwd-size-title"
      title={t('hwd.size')}
      testId="hwd-size"
      change={change}
      invalid={!!local}
      onIssues={setRemote}
      onRevert={() => {
        setText('');
        setRemote({});
      }}
    >
      <div className="hw-fields-row">
        <TextField
          id="hwd-size-value"
          label={t('hwd.size.new')}
          value={text}
          onChange={(v) => {
            setText(v);
            setRemote({});
          }}
          error={error ?? null}
          hint={
            <span className="dim">
              {current === null ? t('hwd.size.unknown') : t('hwd.size.now', { size: formatBytes(current) })}
            </span>
          }
          inputMode="decimal"
          autoComplete="off"
          data-testid="hwd-size-value"
        />
        <ChoiceField
          id="hwd-size-unit"
          label={t('hwd.unit')}
          value={unit}
          onChange={setUnit}
          options={SIZE_UNITS}
        />
      </div>
    </EditorSection>
  );
};

interface OptionValues extends DiskOptionValues {
  serial: string;
}

const optionValues = (d: DiskView): OptionValues => ({
  cache: d.cache ?? '',
  io: d.io ?? '',
  discard: d.discard ?? '',
  readonly: d.readonly,
  shareable: d.shareable,
  serial: d.serial ?? '',
});

const OptionsSection = (p: SectionProps) => {
  const t = useT();
  const now = optionValues(p.disk);
  const [v, setV] = useState<OptionValues>(now);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const set = <K extends keyof OptionValues>(k: K, x: OptionValues[K]) => {
    setV((s) => ({ ...s, [k]: x }));
    setRemote({});
  };
  const { change, issues } = useMemo(() => {
    const c: DiskOptions = { kind: 'disk.options', target: p.disk.target };
    const mode = <T extends string>(x: string): T | null => (x ? (x as T) : null);
    if (v.cache !== now.cache)
      c.cache = v.cache ? mode<NonNullable<DiskOptions['cache']>>(v.cache) : 'default';
    if (v.io !== now.io) c.io = mode<NonNullable<DiskOptions['io']>>(v.io);
    if (v.discard !== now.discard) c.discard = mode<NonNullable<DiskOptions['discard']>>(v.discard);
    if (v.readonly !== now.readonly) c.readonly = v.readonly;
    if (v.shareable !== now.shareable) c.shareable = v.shareable;
    if (v.serial !== now.serial) c.serial = v.serial.trim() || null;
    if (Object.keys(c).length === 2) return { change: null, issues: {} };
    return { change: c, issues: checkChange(c) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v, p.disk]);
  const shown: Record<string, string> = { ...issues, ...remote };
  const isCd = p.disk.device === 'cdrom';
  return (
    <EditorSection
      p={p}
      section="options"
      titleId="hwd-options-title"
      title={t('hwd.options')}
      testId="hwd-options"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      onRevert={() => {
        setV(now);
        setRemote({});
      }}
    >
      <DiskOptionFields idPrefix="hwd" value={v} set={set} errors={shown} readonlyOffered={!isCd} />
      <TextField
        id="hwd-serial"
        label={t('hwd.serial')}
        value={v.serial}
        onChange={(x) => set('serial', x)}
        error={shown['serial'] ?? null}
        autoComplete="off"
        spellCheck={false}
      />
    </EditorSection>
  );
};
