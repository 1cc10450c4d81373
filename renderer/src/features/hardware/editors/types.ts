import type { ComponentType } from 'react';
import type { DeviceSummary, HardwareGetOutput } from '../../../../../shared/contract/hardware.js';

/** One row of the Hardware tab's left column. */
export interface HwItem {
  /** 'cpu', 'memory', 'boot', or a device id (`disk:vda`, `interface:<mac>`, `video:0`…). */
  id: string;
  /** 'cpu', 'memory', 'boot', or the device's element name (disk, interface, graphics…). */
  type: string;
  device?: DeviceSummary;
}

export interface HwEditorProps {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  running: boolean;
  item: HwItem;
  hw: HardwareGetOutput;
  /** Call after an apply (reads the hardware again). */
  onApplied: () => void;
}

/** An editor of the right column, for the items of the types it names. */
export interface HwEditorEntry {
  /** Item types it edits: 'cpu', 'memory', 'boot', or device element names ('disk', 'interface'…). */
  types: readonly string[];
  component: ComponentType<HwEditorProps>;
  /** A fixed row at the top of the list (CPU, Memory, Boot): its id/type, title and place. */
  fixed?: { id: string; titleKey: string; order: number };
}

/** An adder's props: an editor's but the item (there is none yet); `onDone` with the new item's id. */
export type HwAdderProps = Omit<HwEditorProps, 'item'> & { onDone: (newItemId?: string) => void };

/** An "Add hardware" choice (a disk, a NIC…): its component takes the right column while adding. */
export interface HwAdderEntry {
  id: string;
  titleKey: string;
  order: number;
  component: ComponentType<HwAdderProps>;
}
