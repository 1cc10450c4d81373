/**
 * Screenshots: libvirt's QEMU driver usually hands out PPM (P6). We turn it into PNG with zlib and a small
 * encoder (8-bit RGB, filter "Up" per row, which suits screen content), and read PNG dimensions.
 */
import { deflateSync } from 'node:zlib';

export interface RgbImage {
  width: number;
  height: number;
  /** width*height*3 bytes, rows top to bottom */
  rgb: Buffer;
}

/** Parse a binary PPM (P6, maxval ≤ 65535; 16-bit samples are reduced to 8 bits). */
export function parsePpm(buf: Buffer): RgbImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]!))) pos++;
      if (buf[pos] === 0x23 /* # */) {
        while (pos < buf.length && buf[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]!))) pos++;
    return buf.toString('latin1', start, pos);
  };
  if (token() !== 'P6') throw new Error('not a binary PPM (P6) image');
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  pos++; // the single whitespace after maxval
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width <= 0 ||
    height <= 0 ||
    width * height > 1 << 27
  )
    throw new Error(`bad PPM size ${width}x${height}`);
  if (!Number.isInteger(maxval) || maxval <= 0 || maxval > 65535) throw new Error(`bad PPM maxval ${maxval}`);
  const bps = maxval < 256 ? 1 : 2;
  const need = width * height * 3 * bps;
  if (buf.length - pos < need) throw new Error('truncated PPM data');
  let rgb: Buffer;
  if (bps === 1 && maxval === 255) rgb = buf.subarray(pos, pos + need);
  else {
    rgb = Buffer.allocUnsafe(width * height * 3);
    for (let i = 0; i < rgb.length; i++) {
      const v = bps === 1 ? buf[pos + i]! : buf.readUInt16BE(pos + i * 2);
      rgb[i] = Math.round((v * 255) / maxval);
    }
  }
  return { width, height, rgb };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(...parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const t = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(t, data));
  return Buffer.concat([len, t, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encode 8-bit RGB as PNG. */
export function encodePng(img: RgbImage): Buffer {
  const { width, height, rgb } = img;
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    const row = y * stride;
    if (y === 0) {
      raw[o] = 0; // None
      rgb.copy(raw, o + 1, row, row + stride);
    } else {
      raw[o] = 2; // Up
      for (let x = 0; x < stride; x++) raw[o + 1 + x] = (rgb[row + x]! - rgb[row - stride + x]!) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width/height of a PNG (from IHDR). */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (
    png.length < 24 ||
    !png.subarray(0, 8).equals(PNG_SIGNATURE) ||
    png.toString('latin1', 12, 16) !== 'IHDR'
  )
    throw new Error('not a PNG image');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Whatever libvirt returned (PNG or PPM) → PNG. */
export function screenshotToPng(mime: string, data: Buffer): { png: Buffer; width: number; height: number } {
  if (mime === 'image/png' || data.subarray(0, 8).equals(PNG_SIGNATURE))
    return { png: data, ...pngSize(data) };
  if (mime === 'image/x-portable-pixmap' || data.subarray(0, 2).toString('latin1') === 'P6') {
    const img = parsePpm(data);
    return { png: encodePng(img), width: img.width, height: img.height };
  }
  throw new Error(`unsupported screenshot format: ${mime}`);
}
