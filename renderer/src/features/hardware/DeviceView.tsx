import { useT } from '../../i18n/index.js';
import type { HwEditorProps } from './editors/types.js';

/** A device no editor takes yet: its XML, read-only. */
export const DeviceView = ({ item }: HwEditorProps) => {
  const t = useT();
  return (
    <div data-testid="hw-device-xml">
      <p className="dim">{t('hw.device.readOnly')}</p>
      <pre className="xml">{item.device?.xml ?? ''}</pre>
    </div>
  );
};
