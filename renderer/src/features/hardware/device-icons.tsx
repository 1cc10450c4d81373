/**
 * A symbolic icon (16×16, currentColor) per row of the Hardware tab's list: CPU, memory, boot, and each
 * device element (a disk's CD-ROM and an input's keyboard by their sub-kind). Unknown devices get a chip.
 */
import { iconPaths } from '../../ui/icon-paths.js';

const chip = 'M3 3h10v10H3zM5 5v6h6V5z';
const mouse = 'M5 1h6a2 2 0 0 1 2 2v8a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4V3a2 2 0 0 1 2-2zM7.25 3v3h1.5V3z';

const paths: Record<string, string> = {
  cpu: 'M4 4h8v8H4zM6 6v4h4V6zM5 1h1v2H5zM7.5 1h1v2h-1zM10 1h1v2h-1zM5 13h1v2H5zM7.5 13h1v2h-1zM10 13h1v2h-1zM1 5h2v1H1zM1 7.5h2v1H1zM1 10h2v1H1zM13 5h2v1h-2zM13 7.5h2v1h-2zM13 10h2v1h-2z',
  memory:
    'M1 4h14v6H1zM3 6v2h2V6zM7 6v2h2V6zM11 6v2h2V6zM2 11h1.5v2H2zM5 11h1.5v2H5zM9.5 11H11v2H9.5zM12.5 11H14v2h-1.5z',
  boot: 'M8 1l4.5 5H9.25v5h-2.5V6H3.5zM2 13h12v2H2z',
  disk: 'M2 3h12v10H2zM3.5 4.5v7h9v-7zM10 9.5h1.5V11H10z',
  cdrom: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zM8 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  interface: iconPaths.network,
  graphics: iconPaths.computer,
  video: 'M1 3h14v10H1zM2.5 4.5v7h11v-7zM6.5 6v4L10 8z',
  sound:
    'M2 6h3l4-3v10l-4-3H2zM11 5.2a3.8 3.8 0 0 1 0 5.6l-1-1.1a2.3 2.3 0 0 0 0-3.4zM12.6 3.2a6.6 6.6 0 0 1 0 9.6l-1-1.1a5 5 0 0 0 0-7.4z',
  input: mouse,
  keyboard: iconPaths.keyboard,
  tpm: 'M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zM6 7h4V5a2 2 0 0 0-4 0zM7.25 9.5v3h1.5v-3z',
  rng: 'M2 2h12v12H2zM5 4a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM11 10a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM8 7a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM11 4a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM5 10a1 1 0 1 0 0 2 1 1 0 0 0 0-2z',
  watchdog:
    'M8 2.5a6.25 6.25 0 1 1 0 12.5A6.25 6.25 0 0 1 8 2.5zm0 1.75a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM7.25 5.5h1.5v3l2 1.2-.75 1.3-2.75-1.6zM6 0h4v1.5H6z',
  serial: iconPaths.terminal,
  console: iconPaths.terminal,
  channel: iconPaths.terminal,
  filesystem: 'M1 3h5l2 2h7v8H1z',
  memballoon: 'M8 1a5 5 0 0 1 5 5c0 3-3 5-5 6-2-1-5-3-5-6a5 5 0 0 1 5-5zM7.25 12.5h1.5V15h-1.5z',
  hostdev: 'M6 1h4v4h2v5a4 4 0 0 1-3 3.9V15H7v-1.1A4 4 0 0 1 4 10V5h2z',
  redirdev: 'M6 1h4v4h2v5a4 4 0 0 1-3 3.9V15H7v-1.1A4 4 0 0 1 4 10V5h2z',
};

/** The icon for a list row of this type (and sub-kind). */
export const hwIconPath = (type: string, subtype?: string | null): string => {
  if (type === 'disk' && (subtype === 'cdrom' || subtype === 'floppy')) return paths.cdrom!;
  if (type === 'input' && subtype === 'keyboard') return paths.keyboard!;
  return paths[type] ?? chip;
};

export const HwIcon = ({ type, subtype }: { type: string; subtype?: string | null | undefined }) => (
  <svg className="icon-svg hw-item-icon" viewBox="0 0 16 16" aria-hidden focusable="false">
    <path d={hwIconPath(type, subtype)} fillRule="evenodd" />
  </svg>
);
