/** Symbolic icons (16×16, currentColor), drawn in the spirit of Adwaita's symbolic set. */
import { iconPaths as paths, type IconName } from './icon-paths.js';

export type { IconName };

export const Icon = ({ name, label, className }: { name: IconName; label?: string; className?: string }) => (
  <svg
    className={`icon-svg${className ? ` ${className}` : ''}`}
    viewBox="0 0 16 16"
    role={label ? 'img' : undefined}
    aria-label={label}
    aria-hidden={label ? undefined : true}
    focusable="false"
  >
    <path d={paths[name]} fillRule="evenodd" />
  </svg>
);

export const stateIcon = (state: string): IconName => {
  switch (state) {
    case 'running':
    case 'blocked':
      return 'play';
    case 'paused':
    case 'pmsuspended':
      return 'pause';
    case 'crashed':
      return 'crashed';
    case 'shutdown':
      return 'power';
    default:
      return 'stop';
  }
};

export const Spinner = ({ label }: { label?: string }) => (
  <span className="spinner" role={label ? 'progressbar' : undefined} aria-label={label} />
);
