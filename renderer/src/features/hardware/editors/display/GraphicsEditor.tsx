/**
 * A display (VNC or SPICE): type, listen address and port (at next boot); its password (also for the
 * running VM, where libvirt can change it); Remove. Other display types show their XML read-only.
 */
import { useMemo, useState } from 'react';
import type { GraphicsEdit, GraphicsType, GraphicsView } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { TextField } from '../../../../ui/Field.js';
import { DeviceView } from '../../DeviceView.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import { ChoiceField } from '../fields.js';
import { EditorSection } from '../bar.js';
import type { HwEditorProps } from '../types.js';
import { GraphicsFields, offeredGraphicsTypes, portOf, type GraphicsValues } from './GraphicsFields.js';
import { DeviceGone, itemIndex } from './common.js';

const valuesOf = (g: GraphicsView): GraphicsValues => ({
  type: g.type as GraphicsType,
  listen: g.listen ?? '',
  portMode: g.autoport ? 'auto' : 'fixed',
  port: g.autoport || g.port === null ? '' : String(g.port),
});

export const GraphicsEditor = (props: HwEditorProps) => {
  const t = useT();
  const index = itemIndex(props.item.id);
  const g = props.hw.config.graphics[index];
  if (!g) return <DeviceGone item={props.item} />;
  if (g.type !== 'vnc' && g.type !== 'spice') return <DeviceView {...props} />;
  const live = props.hw.live?.graphics.find((x) => x.type === g.type);
  const label = t('hwdisp.gfx.label', { type: g.type.toUpperCase() });
  return (
    <section aria-labelledby="hwdisp-gfx-title" data-testid="hw-editor-graphics">
      <h3 id="hwdisp-gfx-title" className="section-title">
        {label}
      </h3>
      <dl className="hwd-facts">
        <dt>{t('hwdisp.gfx.listen')}</dt>
        <dd>{g.listen ?? t(`hwdisp.gfx.listenType.${g.listenType ?? 'none'}`)}</dd>
        <dt>{t('hwdisp.gfx.port')}</dt>
        <dd data-testid="hwdisp-gfx-port">
          {g.autoport ? t('hwdisp.gfx.portAuto') : g.port}
          {live?.port ? ` — ${t('hwdisp.gfx.portNow', { port: live.port })}` : ''}
        </dd>
      </dl>
      <ConnectionSection {...props} g={g} index={index} />
      <PasswordSection {...props} g={g} index={index} />
      <RemoveDevice
        connectionId={props.connectionId}
        vmUuid={props.vmUuid}
        vmName={props.vmName}
        running={props.running}
        change={{ kind: 'graphics.remove', index }}
        label={label}
        bodyKey="hwdisp.remove.body"
        onApplied={props.onApplied}
      />
    </section>
  );
};

type SectionProps = HwEditorProps & { g: GraphicsView; index: number };

const ConnectionSection = (p: SectionProps) => {
  const t = useT();
  const now = valuesOf(p.g);
  const [v, setV] = useState<GraphicsValues>(now);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const { change, issues } = useMemo((): { change: GraphicsEdit | null; issues: HwFieldIssues } => {
    const port = portOf(v);
    if (port === undefined) return { change: null, issues: { port: t('hwdisp.gfx.enterPort') } };
    const c: GraphicsEdit = { kind: 'graphics.edit', index: p.index, type: v.type };
    if (v.listen.trim() !== now.listen) c.listen = v.listen.trim();
    if (port !== portOf(now)) c.port = port;
    if (c.type === now.type && c.listen === undefined && c.port === undefined)
      return { change: null, issues: {} };
    return { change: c, issues: checkChange(c) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v, p.g]);
  const shown = { ...issues, ...remote };
  return (
    <EditorSection
      p={p}
      section="connection"
      titleId="hwdisp-gfx-conn"
      title={t('hwdisp.gfx.connection')}
      testId="hwdisp-gfx-connection"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      onRevert={() => {
        setV(now);
        setRemote({});
      }}
    >
      <GraphicsFields
        idPrefix="hwdisp-gfx"
        value={v}
        onChange={(x) => {
          setV(x);
          setRemote({});
        }}
        errors={shown}
        types={offeredGraphicsTypes(p.hw.limits)}
      />
    </EditorSection>
  );
};

/** Keep the password, set a new one, or have none. */
const PASSWORD_MODES = ['keep', 'set', 'none'] as const;
type PasswordMode = (typeof PASSWORD_MODES)[number];

const PasswordSection = (p: SectionProps) => {
  const t = useT();
  const [mode, setMode] = useState<PasswordMode>('keep');
  const [password, setPassword] = useState('');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const { change, issues } = useMemo(() => {
    if (mode === 'keep') return { change: null, issues: {} };
    const c: GraphicsEdit = {
      kind: 'graphics.edit',
      index: p.index,
      type: p.g.type as GraphicsType,
      password: mode === 'set' ? password : null,
    };
    return { change: c, issues: checkChange(c) };
  }, [mode, password, p.index, p.g.type]);
  const shown = { ...issues, ...remote };
  return (
    <EditorSection
      p={p}
      section="password"
      titleId="hwdisp-gfx-pw"
      title={t('hwdisp.gfx.password')}
      testId="hwdisp-gfx-password"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      onRevert={() => {
        setMode('keep');
        setPassword('');
        setRemote({});
      }}
    >
      <div className="hw-fields-row">
        <ChoiceField
          id="hwdisp-gfx-pw-mode"
          label={t('hwdisp.gfx.passwordMode')}
          value={mode}
          onChange={(m) => {
            setMode(m);
            setRemote({});
          }}
          options={PASSWORD_MODES}
          optionLabel={(m) => t(`hwdisp.gfx.pw.${m}`)}
        />
        {mode === 'set' && (
          <TextField
            id="hwdisp-gfx-pw-value"
            label={t('hwdisp.gfx.newPassword')}
            type="password"
            value={password}
            onChange={(x) => {
              setPassword(x);
              setRemote({});
            }}
            error={shown['password'] ?? null}
            autoComplete="new-password"
            data-testid="hwdisp-gfx-pw-value"
          />
        )}
      </div>
      <p className="dim">{t('hwdisp.gfx.passwordHint')}</p>
    </EditorSection>
  );
};
