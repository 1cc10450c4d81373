/**
 * Add hardware → Channel: the QEMU guest agent's port (shutdown, IP addresses, file system freeze) or the
 * SPICE agent's (clipboard, display size) — the latter only when the host's QEMU has SPICE.
 */
import { useState } from 'react';
import type { ChannelAdd } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { ChoiceField } from '../fields.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';

export const AddChannel = (props: HwAdderProps) => {
  const t = useT();
  const spice = props.hw.limits.graphicsTypes.includes('spice');
  const presets = spice ? (['guest-agent', 'spice-agent'] as const) : (['guest-agent'] as const);
  const [preset, setPreset] = useState<ChannelAdd['preset']>('guest-agent');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const change: ChannelAdd = { kind: 'channel.add', preset };
  const shown = { ...checkChange(change), ...remote };
  return (
    <AdderForm
      p={props}
      titleId="hwp-add-channel-title"
      title={t('hwp.addChannel.title')}
      testId="hw-add-channel-form"
      itemId="add-channel"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
    >
      <ChoiceField
        id="hwp-add-channel-preset"
        label={t('hwp.addChannel.which')}
        value={preset}
        onChange={(v) => {
          setPreset(v);
          setRemote({});
        }}
        error={shown['preset']}
        hint={t(`hwp.addChannel.hint.${preset}`)}
        options={presets}
        optionLabel={(p) => t(`hwp.addChannel.${p}`)}
      />
      {!spice && <p className="dim">{t('hwp.addChannel.noSpice')}</p>}
    </AdderForm>
  );
};
