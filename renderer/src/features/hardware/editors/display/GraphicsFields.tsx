/** The fields of a display (VNC or SPICE): type, listen address, port automatic or fixed; shared by Add and edit. */
import {
  GRAPHICS_TYPES,
  type GraphicsType,
  type HostLimits,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { TextField } from '../../../../ui/Field.js';
import { ChoiceField } from '../fields.js';

const PORT_MODES = ['auto', 'fixed'] as const;

export interface GraphicsValues {
  type: GraphicsType;
  listen: string;
  portMode: (typeof PORT_MODES)[number];
  port: string;
}

/** VNC and SPICE as far as the host offers them (both when its capabilities do not say). */
export const offeredGraphicsTypes = (limits: HostLimits): GraphicsType[] =>
  GRAPHICS_TYPES.filter((g) => limits.graphicsTypes.length === 0 || limits.graphicsTypes.includes(g));

/** The port as a number (null: automatic); undefined when the text is not a port. */
export const portOf = (v: GraphicsValues): number | null | undefined => {
  if (v.portMode === 'auto') return null;
  return /^\d{1,5}$/.test(v.port.trim()) ? Number(v.port.trim()) : undefined;
};

export const GraphicsFields = ({
  idPrefix,
  value,
  onChange,
  errors,
  types,
}: {
  idPrefix: string;
  value: GraphicsValues;
  onChange: (v: GraphicsValues) => void;
  errors: Readonly<Record<string, string>>;
  types: readonly GraphicsType[];
}) => {
  const t = useT();
  const set = <K extends keyof GraphicsValues>(k: K, v: GraphicsValues[K]) => onChange({ ...value, [k]: v });
  return (
    <>
      <ChoiceField
        id={`${idPrefix}-type`}
        label={t('hwdisp.gfx.type')}
        value={value.type}
        onChange={(v) => set('type', v)}
        error={errors['type']}
        options={types}
        optionLabel={(g) => t(`hwdisp.gfx.type.${g}`)}
      />
      <TextField
        id={`${idPrefix}-listen`}
        label={t('hwdisp.gfx.listen')}
        value={value.listen}
        onChange={(v) => set('listen', v)}
        error={errors['listen'] ?? null}
        hint={<span className="dim">{t('hwdisp.gfx.listenHint')}</span>}
        autoComplete="off"
        spellCheck={false}
        data-testid={`${idPrefix}-listen`}
      />
      <div className="hw-fields-row">
        <ChoiceField
          id={`${idPrefix}-port-mode`}
          label={t('hwdisp.gfx.port')}
          value={value.portMode}
          onChange={(v) => set('portMode', v)}
          options={PORT_MODES}
          optionLabel={(m) => t(m === 'auto' ? 'hwdisp.gfx.portAuto' : 'hwdisp.gfx.portFixed')}
        />
        {value.portMode === 'fixed' && (
          <TextField
            id={`${idPrefix}-port`}
            label={t('hwdisp.gfx.portNumber')}
            value={value.port}
            onChange={(v) => set('port', v)}
            error={errors['port'] ?? null}
            inputMode="numeric"
            autoComplete="off"
            data-testid={`${idPrefix}-port`}
          />
        )}
      </div>
    </>
  );
};
