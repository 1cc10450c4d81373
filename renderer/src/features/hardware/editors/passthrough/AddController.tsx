/** Add hardware → Controller: USB (model), SCSI (virtio-scsi, hot-plugged) or virtio-serial. */
import { useState } from 'react';
import {
  CONTROLLER_MODELS,
  CONTROLLER_TYPES,
  type ControllerAdd,
  type ControllerType,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { SelectField } from '../../../../ui/Field.js';
import { ApplyBar } from '../../ApplyBar.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { barProps, type AdderProps } from './common.js';

export const AddController = (props: AdderProps) => {
  const t = useT();
  const [type, setType] = useState<ControllerType>('scsi');
  const [model, setModel] = useState<string>(CONTROLLER_MODELS.scsi[0]!);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const models = CONTROLLER_MODELS[type];
  const change: ControllerAdd = { kind: 'controller.add', type, ...(models.length ? { model } : {}) };
  const shown = { ...checkChange(change), ...remote };
  return (
    <section aria-labelledby="hwp-add-controller-title" data-testid="hw-add-controller-form">
      <h3 id="hwp-add-controller-title" className="section-title">
        {t('hwp.addController.title')}
      </h3>
      <div className="hw-fields-row">
        <SelectField
          id="hwp-add-controller-type"
          label={t('hwp.addController.type')}
          value={type}
          onChange={(v) => {
            const next = v as ControllerType;
            setType(next);
            setModel(CONTROLLER_MODELS[next][0] ?? '');
            setRemote({});
          }}
          error={shown['type'] ?? null}
        >
          {CONTROLLER_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`hwp.controller.type.${x}`)}
            </option>
          ))}
        </SelectField>
        {models.length > 0 && (
          <SelectField
            id="hwp-add-controller-model"
            label={t('hwp.controller.model')}
            value={model}
            onChange={setModel}
            error={shown['model'] ?? null}
          >
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      <p className="dim">{t(`hwp.addController.hint.${type}`)}</p>
      <ApplyBar
        {...barProps(props)}
        itemId="add-controller"
        change={change}
        invalid={Object.keys(shown).length > 0}
        onIssues={setRemote}
        onApplied={() => props.onDone()}
        onRevert={() => props.onDone()}
      />
    </section>
  );
};
