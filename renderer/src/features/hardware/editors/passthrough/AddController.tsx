/** Add hardware → Controller: USB (model), SCSI (virtio-scsi, hot-plugged) or virtio-serial. */
import { useState } from 'react';
import {
  CONTROLLER_MODELS,
  CONTROLLER_TYPES,
  type ControllerAdd,
  type ControllerType,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { ChoiceField } from '../fields.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';

export const AddController = (props: HwAdderProps) => {
  const t = useT();
  const [type, setType] = useState<ControllerType>('scsi');
  const [model, setModel] = useState<string>(CONTROLLER_MODELS.scsi[0]!);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const models = CONTROLLER_MODELS[type];
  const change: ControllerAdd = { kind: 'controller.add', type, ...(models.length ? { model } : {}) };
  const shown = { ...checkChange(change), ...remote };
  return (
    <AdderForm
      p={props}
      titleId="hwp-add-controller-title"
      title={t('hwp.addController.title')}
      testId="hw-add-controller-form"
      itemId="add-controller"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
    >
      <div className="hw-fields-row">
        <ChoiceField
          id="hwp-add-controller-type"
          label={t('hwp.addController.type')}
          value={type}
          onChange={(next) => {
            setType(next);
            setModel(CONTROLLER_MODELS[next][0] ?? '');
            setRemote({});
          }}
          error={shown['type']}
          options={CONTROLLER_TYPES}
          optionLabel={(x) => t(`hwp.controller.type.${x}`)}
        />
        {models.length > 0 && (
          <ChoiceField
            id="hwp-add-controller-model"
            label={t('hwp.controller.model')}
            value={model}
            onChange={setModel}
            error={shown['model']}
            options={models}
          />
        )}
      </div>
      <p className="dim">{t(`hwp.addController.hint.${type}`)}</p>
    </AdderForm>
  );
};
