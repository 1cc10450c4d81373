import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon, type IconName } from './icons.js';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  shortcut?: string;
  checked?: boolean;
  separatorBefore?: boolean;
  disabled?: boolean;
}

const GAP = 6;

/**
 * A menu button with a keyboard-navigable popover (arrows, Home/End, Escape). The popover is portalled to
 * <body> with fixed positioning, so scroll containers and row stacking contexts cannot clip or cover it.
 */
export const MenuButton = ({
  label,
  icon = 'menu',
  items,
  children,
  testId,
  tabIndex,
}: {
  label: string;
  icon?: IconName;
  items: MenuItem[];
  children?: ReactNode;
  testId?: string;
  /** -1 inside composite widgets (list rows) that have their own keyboard access (Shift+F10). */
  tabIndex?: number;
}) => {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pop = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (!open || !pop.current || !button.current) return;
    const b = button.current.getBoundingClientRect();
    const h = pop.current.offsetHeight;
    const below = b.bottom + GAP;
    const top = below + h > window.innerHeight - GAP && b.top - GAP - h > GAP ? b.top - GAP - h : below;
    setPos({ top: Math.max(GAP, top), right: Math.max(GAP, window.innerWidth - b.right) });
  }, [open]);

  // Focus the first item once the popover is positioned (a hidden element cannot take focus).
  useEffect(() => {
    if (open && pos) pop.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([disabled])')?.focus();
  }, [open, pos]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      const target = e.target as Node;
      if (!pop.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    const onScroll = (e: Event): void => {
      if (!pop.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onScroll);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onScroll);
    };
  }, [open]);

  const close = (refocus: boolean): void => {
    setOpen(false);
    setPos(null);
    if (refocus) button.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent): void => {
    // The popover is portalled, but React still bubbles its events to the button's ancestors (e.g. the VM
    // list, where Enter would open the VM): keep them here.
    e.stopPropagation();
    const els = [...(pop.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([disabled])') ?? [])];
    const i = els.indexOf(document.activeElement as HTMLElement);
    const go = (n: number): void => els[(n + els.length) % els.length]?.focus();
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(els.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') close(true);
    else return;
    e.preventDefault();
  };

  const checkable = items.some((it) => it.checked !== undefined);
  return (
    <>
      <button
        ref={button}
        type="button"
        className={children ? 'btn flat with-label' : 'btn flat icon'}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label}
        title={label}
        data-testid={testId}
        tabIndex={tabIndex}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <Icon name={icon} />
        {children}
      </button>
      {open &&
        createPortal(
          <div
            ref={pop}
            className="popover"
            role="menu"
            aria-label={label}
            onKeyDown={onKeyDown}
            style={pos ? { top: pos.top, right: pos.right } : { visibility: 'hidden', top: 0, right: 0 }}
          >
            {items.map((it) => (
              <div key={it.label}>
                {it.separatorBefore && <hr />}
                <button
                  type="button"
                  role={it.checked === undefined ? 'menuitem' : 'menuitemradio'}
                  aria-checked={it.checked}
                  disabled={it.disabled}
                  onClick={() => {
                    close(true);
                    it.onSelect();
                  }}
                >
                  {checkable && <span className="check">{it.checked ? <Icon name="check" /> : null}</span>}
                  <span style={{ flex: 1 }}>{it.label}</span>
                  {it.shortcut && <span className="dim">{it.shortcut}</span>}
                </button>
              </div>
            ))}
          </div>,
          // In fullscreen only the fullscreen element's subtree is drawn: the popover must live there.
          document.fullscreenElement ?? document.body,
        )}
    </>
  );
};
