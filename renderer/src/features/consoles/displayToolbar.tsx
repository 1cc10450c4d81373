/** The Display tab's toolbar (see DisplayTab): one line, what does not fit goes into the More menu. */
import type { SendKeyCombo } from '../../../../shared/contract/consoles.js';
import type { ReactNode } from 'react';
import type { t as translate } from '../../i18n/index.js';
import { MenuButton, type MenuItem } from '../../ui/Menu.js';
import { OverflowToolbar, type ToolbarItem } from '../../ui/OverflowToolbar.js';
import { LAYOUT_IDS, type KeyboardLayoutId } from './typing.js';

export const COMBOS: { combo: SendKeyCombo; label: string }[] = [
  { combo: 'ctrl-alt-del', label: 'Ctrl+Alt+Del' },
  { combo: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace' },
  ...Array.from({ length: 12 }, (_, i) => ({
    combo: `ctrl-alt-f${i + 1}` as SendKeyCombo,
    label: `Ctrl+Alt+F${i + 1}`,
  })),
  { combo: 'print', label: 'PrintScreen' },
  { combo: 'alt-tab', label: 'Alt+Tab' },
  { combo: 'alt-f4', label: 'Alt+F4' },
];

export interface DisplayToolbarState {
  t: typeof translate;
  connected: boolean;
  running: boolean;
  busy: boolean;
  isFullscreen: boolean;
  scale: boolean;
  setScale: (on: boolean) => void;
  resizeGuest: boolean;
  setResizeGuest: (on: boolean) => void;
  layout: KeyboardLayoutId;
  chooseLayout: (id: KeyboardLayoutId) => void;
  canReconnect: boolean;
  sendKeys: (combo: SendKeyCombo) => void;
  paste: () => void;
  screenshot: () => void;
  fullscreen: () => void;
  reconnect: () => void;
}

/**
 * The Display tab's toolbar, item by item with what each becomes in the More menu; priorities decide what
 * stays in the bar on a narrow window (Reconnect, Send keys, Paste first; the two checkboxes go first).
 */
function displayToolbarItems({
  t,
  connected,
  running,
  busy,
  isFullscreen,
  scale,
  setScale,
  resizeGuest,
  setResizeGuest,
  layout,
  chooseLayout,
  canReconnect,
  sendKeys,
  paste,
  screenshot,
  fullscreen,
  reconnect,
}: DisplayToolbarState): ToolbarItem[] {
  const keyItems: MenuItem[] = COMBOS.map((c, i) => ({
    label: c.label,
    onSelect: () => sendKeys(c.combo),
    separatorBefore: i === 2 || c.combo === 'print',
  }));
  const layoutName = t(`display.layout.${layout}`);
  const baseItems: ToolbarItem[] = [
    {
      id: 'scale',
      inline: (
        <label className="dim nowrap">
          <input type="checkbox" checked={scale} onChange={(e) => setScale(e.target.checked)} />{' '}
          {t('display.scale')}
        </label>
      ),
      menu: [{ label: t('display.scale'), checked: scale, onSelect: () => setScale(!scale) }],
    },
    {
      id: 'resize',
      inline: (
        <label className="dim nowrap">
          <input type="checkbox" checked={resizeGuest} onChange={(e) => setResizeGuest(e.target.checked)} />{' '}
          {t('display.resizeGuest')}
        </label>
      ),
      menu: [
        {
          label: t('display.resizeGuest'),
          checked: resizeGuest,
          onSelect: () => setResizeGuest(!resizeGuest),
        },
      ],
    },
    {
      id: 'keys',
      priority: 5,
      inline: (
        <MenuButton label={t('display.sendKeys')} icon="menu" items={keyItems} testId="display-send-keys">
          <span>{t('display.sendKeys')}</span>
        </MenuButton>
      ),
      menu: keyItems.map((k) => ({
        ...k,
        label: `${t('display.sendKeys')}: ${k.label}`,
        separatorBefore: false,
      })),
    },
    {
      id: 'layout',
      priority: 1,
      inline: (
        <select
          className="entry small"
          aria-label={t('display.layout')}
          value={layout}
          onChange={(e) => chooseLayout(e.target.value as KeyboardLayoutId)}
          data-testid="display-layout"
        >
          {LAYOUT_IDS.map((id) => (
            <option key={id} value={id}>
              {t(`display.layout.${id}`)}
            </option>
          ))}
        </select>
      ),
      menu: LAYOUT_IDS.map((id) => ({
        label: t(`display.layout.${id}`),
        checked: layout === id,
        onSelect: () => chooseLayout(id),
      })),
    },
    {
      id: 'paste',
      priority: 4,
      inline: (
        <button
          type="button"
          className="btn small"
          onClick={paste}
          disabled={!connected}
          title={t('display.pasteAs', { layout: layoutName })}
          data-testid="display-paste"
        >
          {t('display.paste')}
        </button>
      ),
      menu: [
        {
          label: t('display.pasteAs', { layout: layoutName }),
          onSelect: paste,
          disabled: !connected,
        },
      ],
    },
    {
      id: 'screenshot',
      priority: 2,
      inline: (
        <button
          type="button"
          className="btn small"
          onClick={screenshot}
          disabled={!running || busy}
          data-testid="display-screenshot"
        >
          {t('display.screenshot')}
        </button>
      ),
      menu: [{ label: t('display.screenshot'), onSelect: screenshot, disabled: !running || busy }],
    },
    {
      id: 'fullscreen',
      priority: 3,
      inline: (
        <button
          type="button"
          className="btn small"
          onClick={fullscreen}
          disabled={!connected && !isFullscreen}
          data-testid="display-fullscreen"
        >
          {t(isFullscreen ? 'display.exitFullscreen' : 'display.fullscreen')}
        </button>
      ),
      menu: [
        {
          label: t(isFullscreen ? 'display.exitFullscreen' : 'display.fullscreen'),
          onSelect: fullscreen,
          disabled: !connected && !isFullscreen,
        },
      ],
    },
  ];
  const reconnectItems: ToolbarItem[] = canReconnect
    ? [
        {
          id: 'reconnect',
          priority: 9,
          inline: (
            <button
              type="button"
              className="btn small suggested"
              onClick={reconnect}
              data-testid="display-reconnect"
            >
              {t('display.reconnect')}
            </button>
          ),
          menu: [{ label: t('display.reconnect'), onSelect: reconnect }],
        },
      ]
    : [];
  return [...baseItems, ...reconnectItems];
}

/** The toolbar itself: the state chip and messages at the start, the items after it. */
export const DisplayToolbar = ({ start, ...state }: DisplayToolbarState & { start: ReactNode }) => (
  <OverflowToolbar
    className="console-toolbar"
    moreLabel={state.t('display.more')}
    testId="display-toolbar"
    start={start}
    // room for the state and its messages ("Sent Ctrl+Alt+Del", "Typing 120 characters…")
    startMinWidth={220}
    items={displayToolbarItems(state)}
  />
);
