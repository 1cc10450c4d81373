/**
 * Text → X11 keysyms, for "paste as typed text" into a VNC guest (the guest has no clipboard channel).
 * Latin-1 characters are their own keysyms; other Unicode characters use 0x01000000 + code point.
 */
export const XK_RETURN = 0xff0d;
export const XK_TAB = 0xff09;
export const XK_BACKSPACE = 0xff08;

export function keysymsForText(text: string): number[] {
  const out: number[] = [];
  for (const ch of text.replace(/\r\n?/g, '\n')) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n') out.push(XK_RETURN);
    else if (ch === '\t') out.push(XK_TAB);
    else if (cp < 0x20 || cp === 0x7f)
      continue; // other control characters are dropped
    else if (cp <= 0xff) out.push(cp);
    else out.push(0x01000000 + cp);
  }
  return out;
}
