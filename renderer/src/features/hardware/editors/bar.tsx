/** The ApplyBar props every adder and editor passes the same way, and the frames of adders and sections. */
import type { ReactNode } from 'react';
import type { HardwareChange } from '../../../../../shared/contract/hardware.js';
import { ApplyBar } from '../ApplyBar.js';
import type { HwFieldIssues } from '../issues.js';
import type { HwAdderProps, HwEditorProps } from './types.js';

/** Who applies to which VM, and its next-boot config as it is. */
export const barProps = (p: Omit<HwEditorProps, 'item'>) => ({
  connectionId: p.connectionId,
  vmUuid: p.vmUuid,
  vmName: p.vmName,
  running: p.running,
  now: p.hw.config,
});

/**
 * For one section of an editor (a disk's size, a NIC's link…): `barProps`, the section's own item id
 * (`disk:vda#size`, which keeps its outcome apart from the other sections') and the editor's onApplied.
 */
const sectionBarProps = (p: HwEditorProps, section: string) => ({
  ...barProps(p),
  itemId: `${p.item.id}#${section}`,
  onApplied: p.onApplied,
});

/**
 * An "Add hardware" form: its title, its fields, and the Apply bar. Revert closes the form; so does an
 * apply, which opens the new item when `newItemId` names it.
 */
export const AdderForm = ({
  p,
  titleId,
  title,
  testId,
  itemId,
  change,
  invalid,
  onIssues,
  newItemId,
  children,
}: {
  p: HwAdderProps;
  titleId: string;
  title: string;
  testId: string;
  /** The Apply bar's item (`add-disk`…). */
  itemId: string;
  change: HardwareChange | null;
  invalid: boolean;
  onIssues: (issues: HwFieldIssues) => void;
  newItemId?: () => string;
  children: ReactNode;
}) => (
  <section aria-labelledby={titleId} data-testid={testId}>
    <h3 id={titleId} className="section-title">
      {title}
    </h3>
    {children}
    <ApplyBar
      {...barProps(p)}
      itemId={itemId}
      change={change}
      invalid={invalid}
      onIssues={onIssues}
      onApplied={() => p.onDone(newItemId?.())}
      onRevert={() => p.onDone()}
    />
  </section>
);

/**
 * One section of an editor with an Apply bar of its own (a disk's size, a NIC's link…): its heading, its
 * fields and the bar, whose outcome is kept under the section's item id (`sectionBarProps`).
 */
export const EditorSection = ({
  p,
  section,
  titleId,
  title,
  testId,
  change,
  invalid,
  onIssues,
  onRevert,
  children,
}: {
  p: HwEditorProps;
  section: string;
  /** The heading (none when the field's label says enough) and its id. */
  titleId: string;
  title?: string | undefined;
  testId?: string;
  change: HardwareChange | null;
  invalid: boolean;
  onIssues: (issues: HwFieldIssues) => void;
  onRevert: () => void;
  children: ReactNode;
}) => (
  <section className="hwd-section" aria-labelledby={title ? titleId : undefined} data-testid={testId}>
    {title && <h4 id={titleId}>{title}</h4>}
    {children}
    <ApplyBar
      {...sectionBarProps(p, section)}
      change={change}
      invalid={invalid}
      onIssues={onIssues}
      onRevert={onRevert}
    />
  </section>
);
