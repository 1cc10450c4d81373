/**
 * A network interface: what it is, its link (up/down, live when running), where it is connected and its
 * model (at next boot), and Remove.
 */
import { useMemo, useState } from 'react';
import type { NicChange, NicOptions, NicView } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { CheckField } from '../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../issues.js';
import { useDeviceChoices } from './devices/choices.js';
import {
  NicSourceFields,
  nicSourceOf,
  nicSourceValues,
  type NicSourceValues,
} from './devices/NicSourceFields.js';
import { RemoveDevice } from './devices/RemoveDevice.js';
import { ChoiceField } from './fields.js';
import { EditorSection } from './bar.js';
import type { HwEditorProps } from './types.js';

/** Source-field issues (`source.network`…) by their last part. */
export const sourceErrors = (issues: HwFieldIssues): Record<string, string> =>
  Object.fromEntries(
    Object.entries(issues)
      .filter(([k]) => k.startsWith('source.'))
      .map(([k, v]) => [k.slice('source.'.length), v]),
  );

export const NicEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item, running } = props;
  const mac = item.id.slice(item.id.indexOf(':') + 1);
  const nic = hw.config.nic.find((n) => n.mac === mac) ?? hw.live?.nic.find((n) => n.mac === mac);
  if (!nic?.mac) return <p className="dim">{t('hwd.nic.gone', { mac })}</p>;
  const live = hw.live?.nic.find((n) => n.mac === mac);
  const label = t('hwd.nicLabel', { mac: nic.mac });
  return (
    <section aria-labelledby="hwd-nic-title" data-testid="hw-editor-nic">
      <h3 id="hwd-nic-title" className="section-title">
        {label}
      </h3>
      <dl className="hwd-facts">
        <dt>{t('hwd.nic.connection')}</dt>
        <dd data-testid="hwd-nic-source">
          {t(`hwd.nic.type.${nic.type}`)}
          {nic.source ? ` ${nic.source}` : ''}
          {nic.directMode ? ` (${nic.directMode})` : ''}
        </dd>
        <dt>{t('hwd.nic.model')}</dt>
        <dd>{nic.model ?? t('hwd.default')}</dd>
        {live?.target && (
          <>
            <dt>{t('hwd.nic.hostDevice')}</dt>
            <dd>{live.target}</dd>
          </>
        )}
      </dl>
      <LinkSection {...props} nic={{ ...nic, linkState: (live ?? nic).linkState }} mac={nic.mac} />
      <ConnectionSection {...props} nic={nic} mac={nic.mac} />
      <RemoveDevice
        connectionId={props.connectionId}
        vmUuid={props.vmUuid}
        vmName={props.vmName}
        running={running}
        change={{ kind: 'nic.remove', mac: nic.mac }}
        label={label}
        onApplied={props.onApplied}
      />
    </section>
  );
};

type SectionProps = HwEditorProps & { nic: NicView; mac: string };

const LinkSection = (p: SectionProps) => {
  const t = useT();
  const [up, setUp] = useState(p.nic.linkState === 'up');
  const change: NicChange | null =
    up !== (p.nic.linkState === 'up') ? { kind: 'nic.link', mac: p.mac, state: up ? 'up' : 'down' } : null;
  return (
    <EditorSection
      p={p}
      section="link"
      titleId="hwd-link-title"
      title={t('hwd.nic.link')}
      testId="hwd-link"
      change={change}
      invalid={false}
      onIssues={() => undefined}
      onRevert={() => setUp(p.nic.linkState === 'up')}
    >
      <CheckField label={t('hwd.nic.linkUp')} checked={up} onChange={setUp} data-testid="hwd-link-up" />
    </EditorSection>
  );
};

const ConnectionSection = (p: SectionProps) => {
  const t = useT();
  const { choices } = useDeviceChoices(p.connectionId);
  const now = nicSourceValues(p.nic);
  const [source, setSource] = useState<NicSourceValues>(now);
  const [model, setModel] = useState(p.nic.model ?? '');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const { change, issues } = useMemo(() => {
    const c: NicOptions = { kind: 'nic.options', mac: p.mac };
    if (JSON.stringify(nicSourceOf(source)) !== JSON.stringify(nicSourceOf(now)))
      c.source = nicSourceOf(source);
    if (model && model !== (p.nic.model ?? '')) c.model = model;
    if (!c.source && !c.model) return { change: null, issues: {} };
    return { change: c, issues: checkChange(c) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source, model, p.nic]);
  const shown = { ...issues, ...remote };
  const models = [...new Set([...(p.nic.model ? [p.nic.model] : []), ...p.hw.limits.nicModels])];
  return (
    <EditorSection
      p={p}
      section="connection"
      titleId="hwd-conn-title"
      title={t('hwd.nic.connectionTitle')}
      testId="hwd-connection"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      onRevert={() => {
        setSource(now);
        setModel(p.nic.model ?? '');
        setRemote({});
      }}
    >
      <NicSourceFields
        idPrefix="hwd-nic"
        connectionId={p.connectionId}
        choices={choices}
        value={source}
        onChange={(v) => {
          setSource(v);
          setRemote({});
        }}
        errors={sourceErrors(shown)}
      />
      <ChoiceField
        id="hwd-nic-model"
        label={t('hwd.nic.model')}
        value={model}
        onChange={setModel}
        empty={p.nic.model ? undefined : t('hwd.default')}
        options={models}
      />
    </EditorSection>
  );
};
