import { randomBytes } from 'node:crypto';

/** One 16-bit group of four hex digits, the first never 0: written as libvirt writes it back. */
const group = (): string => (0x1000 + (randomBytes(2).readUInt16BE(0) % 0xf000)).toString(16);

/**
 * A random unique-local /64 prefix without the trailing `::` (e.g. `fd3a:91c2:7f00:1`), in canonical
 * form: libvirt gives addresses back without leading zeros, so a group like `0239` (which plain hex of
 * random bytes produces one time in sixteen) would come back as `239` and fail a comparison.
 */
export function randomUla64(): string {
  return `fd${(0x10 + (randomBytes(1)[0]! % 0xf0)).toString(16)}:${group()}:${group()}:1`;
}
