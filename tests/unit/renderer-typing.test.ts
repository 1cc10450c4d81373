import { describe, expect, it } from 'vitest';
import {
  keyEventsForText,
  typeEvents,
  XK_ISO_LEVEL3_SHIFT,
  XK_SHIFT_L,
  type KeyEvent,
} from '../../renderer/src/features/consoles/typing.js';

/**
 * A guest keyboard written independently of typing.ts: the printed rows of a US and a German keyboard,
 * unshifted over shifted, the way they look on the keycaps. It types by key position and modifier state,
 * as QEMU does with extended key events, and ignores keysyms whenever a position is given.
 */
const ROW_CODES = [
  ['Backquote', ...'1234567890'.split('').map((d) => `Digit${d}`), 'Minus', 'Equal'],
  [...'QWERTYUIOP'].map((c) => `Key${c}`).concat(['BracketLeft', 'BracketRight', 'Backslash']),
  [...'ASDFGHJKL'].map((c) => `Key${c}`).concat(['Semicolon', 'Quote']),
  ['IntlBackslash', ...[...'ZXCVBNM'].map((c) => `Key${c}`), 'Comma', 'Period', 'Slash'],
];
const US_ROWS = [
  ['`1234567890-=', '~!@#$%^&*()_+'],
  ['qwertyuiop[]\\', 'QWERTYUIOP{}|'],
  ["asdfghjkl;'", 'ASDFGHJKL:"'],
  ['\0zxcvbnm,./', '\0ZXCVBNM<>?'],
];
const DE_ROWS = [
  ['^1234567890ß´', '°!"§$%&/()=?`'],
  ['qwertzuiopü+#', "QWERTZUIOPÜ*'"],
  ['asdfghjklöä', 'ASDFGHJKLÖÄ'],
  ['<yxcvbnm,.-', '>YXCVBNM;:_'],
];
const DE_ALTGR: Record<string, string> = {
  KeyQ: '@',
  KeyE: '€',
  Digit7: '{',
  Digit8: '[',
  Digit9: ']',
  Digit0: '}',
  Minus: '\\',
  BracketRight: '~',
  IntlBackslash: '|',
};

const guest = (rows: string[][], altgrMap: Record<string, string> = {}) => {
  const keys = new Map<string, [string, string]>();
  rows.forEach(([plain, shifted], r) =>
    [...plain!].forEach((ch, i) => keys.set(ROW_CODES[r]![i]!, [ch, [...shifted!][i]!])),
  );
  return (events: KeyEvent[]): string => {
    let shift = false;
    let altgr = false;
    let out = '';
    for (const e of events) {
      if (e.code === 'ShiftLeft') shift = e.down;
      else if (e.code === 'AltRight') altgr = e.down;
      else if (!e.down) continue;
      else if (e.code === 'Space') out += ' ';
      else if (e.code === 'Enter') out += '\n';
      else if (e.code === 'Tab') out += '\t';
      else if (e.code === null) out += `<keysym ${e.keysym.toString(16)}>`;
      else if (altgr) out += altgrMap[e.code] ?? '?';
      else out += keys.get(e.code)![shift ? 1 : 0];
    }
    return out;
  };
};
const usGuest = guest(US_ROWS);
const deGuest = guest(DE_ROWS, DE_ALTGR);

describe('paste as typing: key events', () => {
  it('types the reported text exactly on a US guest, with Shift where needed', () => {
    const text = 'Paste_Test: OK! ABC xyz';
    const events = keyEventsForText(text, 'us');
    expect(usGuest(events)).toBe(text);
    // Shift is pressed for P, _, T, :, O, K, !, A, B, C — and only for them.
    expect(events.filter((e) => e.keysym === XK_SHIFT_L && e.down)).toHaveLength(10);
  });

  it('types every printable ASCII character, newlines and tabs on a US guest', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    expect(usGuest(keyEventsForText(`${ascii}\r\nline 2\tend\n`, 'us'))).toBe(`${ascii}\nline 2\tend\n`);
  });

  it('types on a German guest: QWERTZ, AltGr for @ { [ ] } \\ ~ | €, umlauts', () => {
    const text = 'Grüße, Jürgen: mail@example.de {a[0]} C:\\x ~ a|b 5€ "y=z" Ä Ö Ü #1; <>';
    const events = keyEventsForText(text, 'de');
    expect(deGuest(events)).toBe(text);
    expect(events.some((e) => e.keysym === XK_ISO_LEVEL3_SHIFT)).toBe(true);
  });

  it('presses and releases every modifier in pairs, around one key', () => {
    const events = keyEventsForText('A@b', 'de');
    expect(events.map((e) => `${e.down ? '+' : '-'}${e.code}`)).toEqual([
      '+ShiftLeft',
      '+KeyA',
      '-KeyA',
      '-ShiftLeft',
      '+AltRight',
      '+KeyQ',
      '-KeyQ',
      '-AltRight',
      '+KeyB',
      '-KeyB',
    ]);
  });

  it('falls back to the keysym for characters the layout has no key for, and drops control characters', () => {
    expect(usGuest(keyEventsForText('a\u0007é€', 'us'))).toBe('a<keysym e9><keysym 10020ac>');
  });
});

describe('paste as typing: pacing', () => {
  it('sends the events one at a time with a pause, and stops when the display goes away', async () => {
    const events = keyEventsForText('abc', 'us');
    const sent: number[] = [];
    const t0 = Date.now();
    expect(
      await typeEvents(
        events,
        () => sent.push(Date.now() - t0),
        () => true,
        5,
      ),
    ).toBe(true);
    expect(sent).toHaveLength(6);
    expect(sent[5]! - sent[0]!).toBeGreaterThanOrEqual(20);
    let n = 0;
    expect(
      await typeEvents(
        events,
        () => n++,
        () => n < 3,
        1,
      ),
    ).toBe(false);
    expect(n).toBe(3);
  });
});
