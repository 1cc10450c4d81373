import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Icon, type IconName } from './icons.js';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  shortcut?: string;
  checked?: boolean;
  separatorBefore?: boolean;
  disabled?: boolean;
}

/** A header-bar menu button with a keyboard-navigable popover (arrows, Home/End, Escape). */
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
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const first = wrap.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([disabled])');
    first?.focus();
    const onDown = (e: MouseEvent): void => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const onKeyDown = (e: React.KeyboardEvent): void => {
    const itemsEls = [
      ...(wrap.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([disabled])') ?? []),
    ];
    const i = itemsEls.indexOf(document.activeElement as HTMLElement);
    const go = (n: number): void => itemsEls[(n + itemsEls.length) % itemsEls.length]?.focus();
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(itemsEls.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="menu-wrap" ref={wrap} onKeyDown={open ? onKeyDown : undefined}>
      <button
        ref={button}
        type="button"
        className="btn flat icon"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label}
        title={label}
        data-testid={testId}
        tabIndex={tabIndex}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name={icon} />
        {children}
      </button>
      {open && (
        <div className="popover" role="menu" aria-label={label}>
          {items.map((it) => (
            <div key={it.label}>
              {it.separatorBefore && <hr />}
              <button
                type="button"
                role={it.checked === undefined ? 'menuitem' : 'menuitemradio'}
                aria-checked={it.checked}
                disabled={it.disabled}
                onClick={() => {
                  setOpen(false);
                  button.current?.focus();
                  it.onSelect();
                }}
              >
                {it.checked !== undefined && (
                  <span className="check">{it.checked ? <Icon name="check" /> : null}</span>
                )}
                <span style={{ flex: 1 }}>{it.label}</span>
                {it.shortcut && <span className="dim">{it.shortcut}</span>}
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
};
