import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sendKeyComboSchema } from '../../shared/contract/consoles.js';
import { comboKeycodes } from '../../electron/console/keys.js';
import { crc32, encodePng, parsePpm, pngSize, screenshotToPng } from '../../electron/console/png.js';

/** Decode our own PNG output (filters None/Up only) back to RGB. */
function decodeOwnPng(png: Buffer): { width: number; height: number; rgb: Buffer } {
  const { width, height } = pngSize(png);
  let pos = 8;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    expect(png.readUInt32BE(pos + 8 + len)).toBe(crc32(Buffer.from(type, 'latin1'), data));
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const rgb = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      rgb[y * stride + x] = f === 2 && y > 0 ? (v + rgb[(y - 1) * stride + x]!) & 0xff : v;
    }
  }
  return { width, height, rgb };
}

describe('screenshots', () => {
  it('converts PPM (with comments) to a PNG with the same pixels', () => {
    const w = 7;
    const h = 5;
    const pixels = Buffer.alloc(w * h * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 0xff;
    const ppm = Buffer.concat([Buffer.from(`P6\n# made by qemu\n${w} ${h}\n255\n`, 'latin1'), pixels]);
    expect(parsePpm(ppm)).toEqual({ width: w, height: h, rgb: pixels });
    const out = screenshotToPng('image/x-portable-pixmap', ppm);
    expect(out).toMatchObject({ width: w, height: h });
    expect(decodeOwnPng(out.png).rgb).toEqual(pixels);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('passes PNG through and refuses junk', () => {
    const png = encodePng({ width: 2, height: 1, rgb: Buffer.from([1, 2, 3, 4, 5, 6]) });
    expect(screenshotToPng('image/png', png)).toEqual({ png, width: 2, height: 1 });
    expect(() => screenshotToPng('image/jpeg', Buffer.from('xx'))).toThrow(/unsupported/);
    expect(() => parsePpm(Buffer.from('P6\n10 10\n255\nabc'))).toThrow(/truncated/);
  });
});

describe('send keys', () => {
  it('maps every combination to Linux keycodes', () => {
    for (const combo of sendKeyComboSchema.options) expect(comboKeycodes(combo).length).toBeGreaterThan(0);
    expect(comboKeycodes('ctrl-alt-del')).toEqual([29, 56, 111]);
    expect(comboKeycodes('ctrl-alt-f1')).toEqual([29, 56, 59]);
    expect(comboKeycodes('ctrl-alt-f12')).toEqual([29, 56, 88]);
    expect(comboKeycodes('print')).toEqual([99]);
  });
});
