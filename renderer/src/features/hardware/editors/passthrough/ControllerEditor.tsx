/**
 * A controller, by type and index: its model (USB and SCSI: another one at next boot) and Remove (USB,
 * SCSI and virtio-serial; refused while devices sit on it). Other controllers are shown, not changed.
 */
import { useState } from 'react';
import {
  CONTROLLER_MODELS,
  type ControllerModel,
  type ControllerView,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import type { HwFieldIssues } from '../../issues.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import { ChoiceField } from '../fields.js';
import type { HwEditorProps } from '../types.js';
import { EditorSection } from '../bar.js';
import { Facts, nthOf } from './common.js';

const EDITABLE = ['usb', 'scsi', 'virtio-serial'] as const;
type Editable = (typeof EDITABLE)[number];
const editable = (type: string): type is Editable => (EDITABLE as readonly string[]).includes(type);

export const controllerTitle = (t: ReturnType<typeof useT>, c: ControllerView): string =>
  t('hwp.controller.title', {
    type: editable(c.type) ? t(`hwp.controller.type.${c.type}`) : c.type,
    index: c.index,
  });

export const ControllerEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item } = props;
  const n = nthOf(item.id);
  const c = n === null ? undefined : hw.config.controller[n];
  if (!c) return <p className="dim">{t('hwp.gone')}</p>;
  const title = controllerTitle(t, c);
  const disabled = c.type === 'usb' && c.model === 'none';
  return (
    <section aria-labelledby="hwp-controller-title" data-testid="hw-editor-controller">
      <h3 id="hwp-controller-title" className="section-title">
        {title}
      </h3>
      <Facts
        rows={[
          [t('hwp.controller.index'), String(c.index)],
          [t('hwp.controller.model'), disabled ? t('hwp.controller.usbOff') : (c.model ?? t('hwd.default'))],
        ]}
      />
      {(c.type === 'usb' || c.type === 'scsi') && !disabled && (
        <ModelSection {...props} c={c} type={c.type} />
      )}
      {editable(c.type) && !disabled ? (
        <RemoveDevice
          connectionId={props.connectionId}
          vmUuid={props.vmUuid}
          vmName={props.vmName}
          running={props.running}
          change={{ kind: 'controller.remove', type: c.type, index: c.index }}
          label={title}
          onApplied={props.onApplied}
        />
      ) : (
        !editable(c.type) && <p className="dim">{t('hwp.controller.readOnly')}</p>
      )}
    </section>
  );
};

const ModelSection = (p: HwEditorProps & { c: ControllerView; type: 'usb' | 'scsi' }) => {
  const t = useT();
  const [model, setModel] = useState(p.c.model ?? '');
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const models = [...new Set([...(p.c.model ? [p.c.model] : []), ...CONTROLLER_MODELS[p.type]])];
  const change: ControllerModel | null =
    model && model !== (p.c.model ?? '')
      ? { kind: 'controller.model', type: p.type, index: p.c.index, model }
      : null;
  return (
    <EditorSection
      p={p}
      section="model"
      titleId="hwp-model-title"
      title={t('hwp.controller.modelTitle')}
      change={change}
      invalid={false}
      onIssues={setRemote}
      onRevert={() => setModel(p.c.model ?? '')}
    >
      <ChoiceField
        id="hwp-controller-model"
        label={t('hwp.controller.model')}
        value={model}
        onChange={(v) => {
          setModel(v);
          setRemote({});
        }}
        error={remote['model']}
        empty={p.c.model ? undefined : t('hwd.default')}
        options={models}
      />
    </EditorSection>
  );
};
