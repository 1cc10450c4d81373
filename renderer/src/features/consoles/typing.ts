/**
 * "Paste as typing": text → the key presses a person would make on the guest's keyboard layout. Pure.
 *
 * Why key positions and explicit modifiers: noVNC sends QEMU's extended key events (a scancode beside the
 * keysym) whenever it knows the key's position, and QEMU then types by scancode, so the guest's own layout
 * decides the character. A bare keysym ('P', '_', '!') reaches the guest without Shift: "Paste_Test: OK!"
 * came out as "paste-test; ok1". So each character becomes a press of its key on the chosen layout, wrapped
 * in Shift and/or AltGr presses, and the presses are paced (a burst overflows the guest's keyboard queue).
 */
import { keysymsForText } from './keysyms.js';

export interface KeyEvent {
  keysym: number;
  /** KeyboardEvent.code of the key (its position), or null when the layout has no key for it. */
  code: string | null;
  down: boolean;
}

/** One character on a layout: the key and the modifiers it needs. */
interface Stroke {
  code: string;
  shift?: boolean;
  altgr?: boolean;
}

export const XK_SHIFT_L = 0xffe1;
/** ISO_Level3_Shift: AltGr. */
export const XK_ISO_LEVEL3_SHIFT = 0xfe03;

/** Builds a character → stroke map from rows of [code, plain, shifted, altgr?] (empty string: none). */
const layout = (rows: [code: string, plain: string, shifted: string, altgr?: string][]) => {
  const map = new Map<string, Stroke>();
  for (const [code, plain, shifted, altgr] of rows) {
    if (plain && !map.has(plain)) map.set(plain, { code });
    if (shifted && !map.has(shifted)) map.set(shifted, { code, shift: true });
    if (altgr && !map.has(altgr)) map.set(altgr, { code, altgr: true });
  }
  return map;
};

const letters = (swap: Record<string, string> = {}): [string, string, string][] =>
  [...'abcdefghijklmnopqrstuvwxyz'].map((c) => {
    const on = swap[c] ?? c;
    return [`Key${c.toUpperCase()}`, on, on.toUpperCase()];
  });

const COMMON: [string, string, string][] = [
  ['Space', ' ', ' '],
  ['Enter', '\n', ''],
  ['Tab', '\t', ''],
];

/** US (QWERTY, ANSI). */
const US = layout([
  ...COMMON,
  ...letters(),
  ['Digit1', '1', '!'],
  ['Digit2', '2', '@'],
  ['Digit3', '3', '#'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '^'],
  ['Digit7', '7', '&'],
  ['Digit8', '8', '*'],
  ['Digit9', '9', '('],
  ['Digit0', '0', ')'],
  ['Minus', '-', '_'],
  ['Equal', '=', '+'],
  ['BracketLeft', '[', '{'],
  ['BracketRight', ']', '}'],
  ['Backslash', '\\', '|'],
  ['Semicolon', ';', ':'],
  ['Quote', "'", '"'],
  ['Backquote', '`', '~'],
  ['Comma', ',', '<'],
  ['Period', '.', '>'],
  ['Slash', '/', '?'],
]);

/**
 * German (QWERTZ, ISO, no dead keys). ^ ` ´ are dead keys on this layout (they wait for the next key), so
 * they are not typed by position: they fall back to their keysym.
 */
const DE = layout([
  ...COMMON,
  ...letters({ y: 'z', z: 'y' }),
  ['Digit1', '1', '!'],
  ['Digit2', '2', '"', '²'],
  ['Digit3', '3', '§', '³'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '&'],
  ['Digit7', '7', '/', '{'],
  ['Digit8', '8', '(', '['],
  ['Digit9', '9', ')', ']'],
  ['Digit0', '0', '=', '}'],
  ['Minus', 'ß', '?', '\\'],
  ['BracketLeft', 'ü', 'Ü'],
  ['BracketRight', '+', '*', '~'],
  ['Backslash', '#', "'"],
  ['Semicolon', 'ö', 'Ö'],
  ['Quote', 'ä', 'Ä'],
  ['Comma', ',', ';'],
  ['Period', '.', ':'],
  ['Slash', '-', '_'],
  ['IntlBackslash', '<', '>', '|'],
  ['KeyQ', 'q', 'Q', '@'],
  ['KeyE', 'e', 'E', '€'],
  ['KeyM', 'm', 'M', 'µ'],
]);

export const LAYOUTS = { us: US, de: DE } as const;
export type KeyboardLayoutId = keyof typeof LAYOUTS;
export const LAYOUT_IDS = Object.keys(LAYOUTS) as KeyboardLayoutId[];

/** The key events that type `text` on a guest using `layoutId`, modifiers included, in order. */
export function keyEventsForText(text: string, layoutId: KeyboardLayoutId = 'us'): KeyEvent[] {
  const map = LAYOUTS[layoutId];
  const out: KeyEvent[] = [];
  const normalized = text.replace(/\r\n?/g, '\n');
  for (const ch of normalized) {
    const [keysym] = keysymsForText(ch);
    if (keysym === undefined) continue; // control characters other than newline and tab
    const stroke = map.get(ch);
    if (!stroke) {
      // Not on this layout: the keysym alone, for the VNC server to map if it can.
      out.push({ keysym, code: null, down: true }, { keysym, code: null, down: false });
      continue;
    }
    if (stroke.shift) out.push({ keysym: XK_SHIFT_L, code: 'ShiftLeft', down: true });
    if (stroke.altgr) out.push({ keysym: XK_ISO_LEVEL3_SHIFT, code: 'AltRight', down: true });
    out.push({ keysym, code: stroke.code, down: true }, { keysym, code: stroke.code, down: false });
    if (stroke.altgr) out.push({ keysym: XK_ISO_LEVEL3_SHIFT, code: 'AltRight', down: false });
    if (stroke.shift) out.push({ keysym: XK_SHIFT_L, code: 'ShiftLeft', down: false });
  }
  return out;
}

/** Pause between key events: slow enough for a guest's keyboard queue, quick enough for a paragraph. */
export const KEY_EVENT_DELAY_MS = 12;

/**
 * Sends `events` through `send`, one every `delayMs`; stops early (returning false) when `alive()` turns
 * false (the display closed). Resolves true once everything was sent.
 */
export async function typeEvents(
  events: readonly KeyEvent[],
  send: (e: KeyEvent) => void,
  alive: () => boolean,
  delayMs = KEY_EVENT_DELAY_MS,
): Promise<boolean> {
  for (const e of events) {
    if (!alive()) return false;
    send(e);
    await new Promise((r) => setTimeout(r, delayMs));
  }
  return true;
}
