/** The fields of a display (VNC or SPICE): type, listen address, port automatic or fixed; shared by Add and edit. */
import {
  GRAPHICS_TYPES,
  type GraphicsType,
  type HostLimits,
} from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { SelectField, TextField } from '../../../../ui/Field.js';

export interface GraphicsValues {
  type: GraphicsType;
  listen: string;
  portMode: 'auto' | 'fixed';
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
      <SelectField
        id={`${idPrefix}-type`}
        label={t('hwdisp.gfx.type')}
        value={value.type}
        onChange={(v) => set('type', v as GraphicsType)}
        error={errors['type'] ?? null}
      >
        {types.map((g) => (
          <option key={g} value={g}>
            {t(`hwdisp.gfx.type.${g}`)}
          </option>
        ))}
      </SelectField>
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
        <SelectField
          id={`${idPrefix}-port-mode`}
          label={t('hwdisp.gfx.port')}
          value={value.portMode}
          onChange={(v) => set('portMode', v as 'auto' | 'fixed')}
        >
          <option value="auto">{t('hwdisp.gfx.portAuto')}</option>
          <option value="fixed">{t('hwdisp.gfx.portFixed')}</option>
        </SelectField>
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
