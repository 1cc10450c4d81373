/**
 * The editors of video, sound, input, TPM, RNG and watchdog devices: what the device is, what can change
 * (a model, an action) with its own Apply bar, and Remove where the device can go.
 */
import type { ReactNode } from 'react';
import {
  SOUND_MODELS,
  TPM_MODELS,
  WATCHDOG_ACTIONS,
  type HardwareChange,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import type { HwEditorProps } from '../types.js';
import { ChoiceSection } from './ChoiceSection.js';
import { DeviceGone, itemIndex } from './common.js';

const Frame = ({
  p,
  kind,
  title,
  facts,
  children,
  remove,
  inLive,
}: {
  p: HwEditorProps;
  kind: string;
  title: string;
  facts: [string, ReactNode][];
  children?: ReactNode;
  /** The removal, or a note why the device cannot be removed. */
  remove: HardwareChange | string | null;
  /** The running VM has the device too (false: added for next boot; undefined: not asked). */
  inLive?: boolean;
}) => {
  const t = useT();
  const all: [string, ReactNode][] =
    p.hw.live && inLive === false ? [...facts, [t('hwd.running'), t('hwd.notInRunning')]] : facts;
  return (
    <section aria-labelledby={`hwdisp-${kind}-title`} data-testid={`hw-editor-${kind}`}>
      <h3 id={`hwdisp-${kind}-title`} className="section-title">
        {title}
      </h3>
      <dl className="hwd-facts">
        {all.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {children}
      {typeof remove === 'string' ? (
        <p className="dim hwd-remove">{remove}</p>
      ) : remove ? (
        <RemoveDevice
          connectionId={p.connectionId}
          vmUuid={p.vmUuid}
          vmName={p.vmName}
          running={p.running}
          change={remove}
          label={title}
          bodyKey="hwdisp.remove.body"
          onApplied={p.onApplied}
        />
      ) : (
        <p className="dim hwd-remove">{t('hwdisp.notRemovable')}</p>
      )}
    </section>
  );
};

export const VideoEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const v = p.hw.config.video[index];
  if (!v) return <DeviceGone item={p.item} />;
  const live = p.hw.live?.video[index];
  return (
    <Frame
      p={p}
      kind="video"
      title={t('hwdisp.video.label', { model: v.model ?? t('hwd.default') })}
      facts={[
        [t('hwdisp.video.primary'), v.primary ? t('hwdisp.yes') : t('hwdisp.no')],
        ...(live && live.model !== v.model
          ? ([[t('hwd.running'), live.model ?? t('hwd.default')]] as [string, ReactNode][])
          : []),
      ]}
      remove={t('hwdisp.video.keep')}
    >
      <ChoiceSection
        p={p}
        id="hwdisp-video-model"
        label={t('hwdisp.video.model')}
        field="model"
        now={v.model ?? ''}
        options={p.hw.limits.videoModels}
        changeFor={(model) => ({ kind: 'video.model', index, model })}
      />
    </Frame>
  );
};

export const SoundEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const s = p.hw.config.sound[index];
  if (!s) return <DeviceGone item={p.item} />;
  return (
    <Frame
      p={p}
      kind="sound"
      title={t('hwdisp.sound.label', { model: s.model })}
      facts={[]}
      remove={{ kind: 'sound.remove', index }}
      inLive={(p.hw.live?.sound.length ?? 0) > index}
    >
      <ChoiceSection
        p={p}
        id="hwdisp-sound-model"
        label={t('hwdisp.sound.model')}
        field="model"
        now={s.model}
        options={SOUND_MODELS}
        optionLabel={(m) => t(`hwdisp.sound.${m}`)}
        changeFor={(model) => ({ kind: 'sound.model', index, model: model as (typeof SOUND_MODELS)[number] })}
      />
    </Frame>
  );
};

export const InputEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const i = p.hw.config.input[index];
  if (!i) return <DeviceGone item={p.item} />;
  const removable =
    (i.type === 'tablet' || i.type === 'keyboard' || i.type === 'mouse') &&
    (i.bus === 'usb' || i.bus === 'virtio');
  return (
    <Frame
      p={p}
      kind="input"
      title={t(`hwdisp.input.${i.type}`, { bus: t(`hwdisp.bus.${i.bus}`) })}
      facts={[
        [t('hwdisp.input.type'), i.type],
        [t('hwd.bus'), t(`hwdisp.bus.${i.bus}`)],
      ]}
      remove={
        removable
          ? { kind: 'input.remove', type: i.type as 'tablet', bus: i.bus as 'usb' }
          : i.bus === 'ps2'
            ? t('hwdisp.input.ps2')
            : null
      }
    />
  );
};

export const TpmEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const tpm = p.hw.config.tpm[index];
  if (!tpm) return <DeviceGone item={p.item} />;
  return (
    <Frame
      p={p}
      kind="tpm"
      title={t('hwdisp.tpm.label', { version: tpm.version ?? '' })}
      facts={[
        [t('hwdisp.tpm.backend'), t(`hwdisp.tpm.backend.${tpm.backend ?? 'none'}`)],
        [t('hwdisp.tpm.version'), tpm.version ?? t('hwd.default')],
      ]}
      remove={{ kind: 'tpm.remove', index }}
      inLive={(p.hw.live?.tpm.length ?? 0) > index}
    >
      <ChoiceSection
        p={p}
        id="hwdisp-tpm-model"
        label={t('hwdisp.tpm.model')}
        field="model"
        now={tpm.model ?? ''}
        options={TPM_MODELS.filter(
          (m) => p.hw.limits.tpmModels.length === 0 || p.hw.limits.tpmModels.includes(m),
        )}
        optionLabel={(m) => t(`hwdisp.tpm.${m}`)}
        changeFor={(model) => ({ kind: 'tpm.model', index, model: model as (typeof TPM_MODELS)[number] })}
      />
    </Frame>
  );
};

export const RngEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const r = p.hw.config.rng[index];
  if (!r) return <DeviceGone item={p.item} />;
  return (
    <Frame
      p={p}
      kind="rng"
      title={t('hwdisp.rng.label')}
      facts={[
        [t('hwdisp.model'), r.model],
        [t('hwdisp.rng.source'), r.source ?? r.backend ?? ''],
      ]}
      remove={{ kind: 'rng.remove', index }}
      inLive={(p.hw.live?.rng.length ?? 0) > index}
    />
  );
};

export const WatchdogEditor = (p: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(p.item.id);
  const w = p.hw.config.watchdog[index];
  if (!w) return <DeviceGone item={p.item} />;
  return (
    <Frame
      p={p}
      kind="watchdog"
      title={t('hwdisp.watchdog.label', { model: w.model })}
      facts={[[t('hwdisp.model'), t(`hwdisp.watchdog.${w.model}`)]]}
      remove={{ kind: 'watchdog.remove', index }}
      inLive={(p.hw.live?.watchdog.length ?? 0) > index}
    >
      <ChoiceSection
        p={p}
        id="hwdisp-watchdog-action"
        title={t('hwdisp.watchdog.actionTitle')}
        label={t('hwdisp.watchdog.action')}
        field="action"
        now={w.action}
        options={WATCHDOG_ACTIONS}
        optionLabel={(a) => t(`hwdisp.watchdog.action.${a}`)}
        changeFor={(action) => ({
          kind: 'watchdog.action',
          index,
          action: action as (typeof WATCHDOG_ACTIONS)[number],
        })}
      />
    </Frame>
  );
};
