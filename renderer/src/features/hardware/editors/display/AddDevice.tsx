/**
 * Add hardware → a display, sound card, input device, TPM, random number generator or watchdog: what to
 * add first, then its few settings; the Apply bar says when it takes effect.
 */
import { useMemo, useState } from 'react';
import {
  INPUT_TYPES,
  RNG_SOURCES,
  SOUND_MODELS,
  TPM_MODELS,
  WATCHDOG_ACTIONS,
  offeredWatchdogModels,
  type HardwareChange,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { TextField } from '../../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { ChoiceField } from '../fields.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';
import { GraphicsFields, offeredGraphicsTypes, portOf, type GraphicsValues } from './GraphicsFields.js';

/** What can be added, by the device element it makes (also the new item's id prefix). */
const WHAT = ['graphics', 'sound', 'input', 'tpm', 'rng', 'watchdog'] as const;
type What = (typeof WHAT)[number];

const pick = <T extends string>(all: readonly T[], offered: readonly string[]): T[] =>
  offered.length === 0 ? [...all] : all.filter((x) => offered.includes(x));

export const AddDevice = (props: HwAdderProps) => {
  const { hw } = props;
  const t = useT();
  const [what, setWhat] = useState<What>('graphics');
  const gTypes = offeredGraphicsTypes(hw.limits);
  const [gfx, setGfx] = useState<GraphicsValues>({
    type: gTypes[0] ?? 'vnc',
    listen: '127.0.0.1',
    portMode: 'auto',
    port: '',
  });
  const [password, setPassword] = useState('');
  const [sound, setSound] = useState<string>(SOUND_MODELS[0]);
  const [inputType, setInputType] = useState<string>('tablet');
  const [inputBus, setInputBus] = useState<string>('usb');
  const tpmModels = pick(TPM_MODELS, hw.limits.tpmModels);
  const [tpmModel, setTpmModel] = useState<string>(tpmModels[0] ?? 'tpm-tis');
  const rngModels = hw.limits.rngModels.length > 0 ? hw.limits.rngModels : ['virtio'];
  const [rngModel, setRngModel] = useState(rngModels[0]!);
  const [rngSource, setRngSource] = useState<string>(RNG_SOURCES[0]);
  const [wdModel, setWdModel] = useState<string>('i6300esb');
  const [wdAction, setWdAction] = useState<string>('reset');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const touched = () => setRemote({});

  const { change, issues } = useMemo((): { change: HardwareChange | null; issues: HwFieldIssues } => {
    let c: HardwareChange;
    const local: Record<string, string> = {};
    switch (what) {
      case 'graphics': {
        const port = portOf(gfx);
        if (port === undefined) return { change: null, issues: { port: t('hwdisp.gfx.enterPort') } };
        c = {
          kind: 'graphics.add',
          type: gfx.type,
          listen: gfx.listen.trim(),
          port,
          ...(password ? { password } : {}),
        };
        break;
      }
      case 'sound':
        c = { kind: 'sound.add', model: sound as (typeof SOUND_MODELS)[number] };
        break;
      case 'input':
        c = { kind: 'input.add', type: inputType as 'tablet', bus: inputBus as 'usb' };
        break;
      case 'tpm':
        c = { kind: 'tpm.add', model: tpmModel as 'tpm-tis', version: '2.0' };
        // The host's own word, before anything is sent: without swtpm libvirt offers no emulator.
        if (hw.limits.tpmBackends.length > 0 && !hw.limits.tpmBackends.includes('emulator'))
          local.model = t('hwdisp.tpm.noEmulator');
        if (hw.limits.deviceSupport.tpm === false) local.model = t('hwdisp.tpm.unsupported');
        break;
      case 'rng':
        c = { kind: 'rng.add', model: rngModel, source: rngSource as '/dev/urandom' };
        break;
      case 'watchdog':
        c = { kind: 'watchdog.add', model: wdModel as 'i6300esb', action: wdAction as 'reset' };
        break;
    }
    return { change: c, issues: { ...checkChange(c), ...local } };
  }, [
    what,
    gfx,
    password,
    sound,
    inputType,
    inputBus,
    tpmModel,
    rngModel,
    rngSource,
    wdModel,
    wdAction,
    hw,
    t,
  ]);
  const shown: HwFieldIssues = { ...issues, ...remote };
  const err = (k: string) => shown[k] ?? null;
  const sel = (
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    options: readonly string[],
    optionLabel: (o: string) => string = (o) => o,
    field?: string,
  ) => (
    <ChoiceField
      id={id}
      label={label}
      value={value}
      onChange={(v) => {
        set(v);
        touched();
      }}
      error={field ? err(field) : null}
      options={options}
      optionLabel={optionLabel}
    />
  );

  const newId = (): string => `${what}:${hw.config[what].length}`;

  return (
    <AdderForm
      p={props}
      titleId="hwdisp-add-title"
      title={t('hwdisp.add.title')}
      testId="hw-add-device-form"
      itemId="add-device"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      newItemId={newId}
    >
      {sel(
        'hwdisp-add-what',
        t('hwdisp.add.what'),
        what,
        (v) => setWhat(v as What),
        WHAT,
        (w) => t(`hwdisp.add.what.${w}`),
      )}
      {what === 'graphics' && (
        <>
          <GraphicsFields
            idPrefix="hwdisp-add-gfx"
            value={gfx}
            onChange={(v) => {
              setGfx(v);
              touched();
            }}
            errors={shown}
            types={gTypes}
          />
          <TextField
            id="hwdisp-add-gfx-pw"
            label={t('hwdisp.gfx.passwordOptional')}
            type="password"
            value={password}
            onChange={(v) => {
              setPassword(v);
              touched();
            }}
            error={err('password')}
            autoComplete="new-password"
          />
        </>
      )}
      {what === 'sound' &&
        sel(
          'hwdisp-add-sound',
          t('hwdisp.model'),
          sound,
          setSound,
          SOUND_MODELS,
          (m) => t(`hwdisp.sound.${m}`),
          'model',
        )}
      {what === 'input' && (
        <div className="hw-fields-row">
          {sel('hwdisp-add-input-type', t('hwdisp.input.type'), inputType, setInputType, INPUT_TYPES, (x) =>
            t(`hwdisp.input.kind.${x}`),
          )}
          {sel(
            'hwdisp-add-input-bus',
            t('hwd.bus'),
            inputBus,
            setInputBus,
            ['usb', 'virtio'],
            (b) => t(`hwdisp.bus.${b}`),
            'bus',
          )}
        </div>
      )}
      {what === 'tpm' && (
        <>
          {sel(
            'hwdisp-add-tpm-model',
            t('hwdisp.model'),
            tpmModel,
            setTpmModel,
            tpmModels,
            (m) => t(`hwdisp.tpm.${m}`),
            'model',
          )}
          <p className="dim">{t('hwdisp.tpm.addHint')}</p>
        </>
      )}
      {what === 'rng' && (
        <div className="hw-fields-row">
          {sel(
            'hwdisp-add-rng-model',
            t('hwdisp.model'),
            rngModel,
            setRngModel,
            rngModels,
            undefined,
            'model',
          )}
          {sel(
            'hwdisp-add-rng-source',
            t('hwdisp.rng.source'),
            rngSource,
            setRngSource,
            RNG_SOURCES,
            undefined,
            'source',
          )}
        </div>
      )}
      {what === 'watchdog' && (
        <div className="hw-fields-row">
          {sel(
            'hwdisp-add-wd-model',
            t('hwdisp.model'),
            wdModel,
            setWdModel,
            offeredWatchdogModels(hw.limits),
            (m) => t(`hwdisp.watchdog.${m}`),
            'model',
          )}
          {sel(
            'hwdisp-add-wd-action',
            t('hwdisp.watchdog.action'),
            wdAction,
            setWdAction,
            WATCHDOG_ACTIONS,
            (a) => t(`hwdisp.watchdog.action.${a}`),
            'action',
          )}
        </div>
      )}
    </AdderForm>
  );
};
