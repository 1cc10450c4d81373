/** What the display and device editors share: the device's place from its item id, "no longer there". */
import { useT } from '../../../../i18n/index.js';
import type { HwItem } from '../types.js';

/** `sound:1` → 1 (devices without a key of their own are named by their place among their kind). */
export const itemIndex = (id: string): number => Number(id.slice(id.indexOf(':') + 1)) || 0;

export const DeviceGone = ({ item }: { item: HwItem }) => {
  const t = useT();
  return <p className="dim">{t('hwdisp.gone', { device: item.device?.label ?? item.id })}</p>;
};
