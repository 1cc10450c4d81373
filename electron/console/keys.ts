/**
 * Special key combinations for display.sendKeys, sent with libvirt's domainSendKey in the Linux keycode set.
 *
 * Why domainSendKey rather than keysyms through noVNC: the combinations this menu exists for are exactly
 * the ones the local desktop or browser swallows (Ctrl+Alt+Del, Ctrl+Alt+Fn switch the host's VTs,
 * Alt+Tab/Alt+F4 go to the host window manager, PrintScreen to its screenshot tool). domainSendKey injects
 * scancodes straight into the guest's virtual keyboard: independent of the keyboard layout and of VNC
 * keysym→scancode translation, and it works without a graphical console (e.g. from the serial console
 * tab to reboot a hung guest). Ordinary typing (and clipboard paste as typed text) stays in noVNC.
 */
import type { SendKeyCombo } from '../../shared/contract/consoles.js';
import { KeycodeSet } from '../libvirt/index.js';

/** The keycode set comboKeycodes() answers in (VIR_KEYCODE_SET_LINUX). */
export const KEYCODE_SET_LINUX = KeycodeSet.LINUX;

// linux/input-event-codes.h
const KEY = {
  LEFTCTRL: 29,
  LEFTALT: 56,
  DELETE: 111,
  BACKSPACE: 14,
  TAB: 15,
  SYSRQ: 99, // PrintScreen
  F1: 59,
  F2: 60,
  F3: 61,
  F4: 62,
  F5: 63,
  F6: 64,
  F7: 65,
  F8: 66,
  F9: 67,
  F10: 68,
  F11: 87,
  F12: 88,
} as const;

const FKEYS = [
  KEY.F1,
  KEY.F2,
  KEY.F3,
  KEY.F4,
  KEY.F5,
  KEY.F6,
  KEY.F7,
  KEY.F8,
  KEY.F9,
  KEY.F10,
  KEY.F11,
  KEY.F12,
];

/** Keycodes pressed together (in order) and released, for one combination. */
export function comboKeycodes(combo: SendKeyCombo): number[] {
  switch (combo) {
    case 'ctrl-alt-del':
      return [KEY.LEFTCTRL, KEY.LEFTALT, KEY.DELETE];
    case 'ctrl-alt-backspace':
      return [KEY.LEFTCTRL, KEY.LEFTALT, KEY.BACKSPACE];
    case 'print':
      return [KEY.SYSRQ];
    case 'alt-tab':
      return [KEY.LEFTALT, KEY.TAB];
    case 'alt-f4':
      return [KEY.LEFTALT, KEY.F4];
    default: {
      const m = /^ctrl-alt-f(\d+)$/.exec(combo);
      const n = m ? Number(m[1]) : 0;
      const f = FKEYS[n - 1];
      if (!f) throw new Error(`unknown key combination ${combo}`);
      return [KEY.LEFTCTRL, KEY.LEFTALT, f];
    }
  }
}
