import { describe, expect, it } from 'vitest';
import { fitItems } from '../../renderer/src/ui/overflow.js';

const item = (id: string, width: number | undefined, priority = 0) => ({ id, width, priority });

describe('toolbar overflow', () => {
  const items = [
    item('scale', 80),
    item('keys', 100, 3),
    item('paste', 120, 2),
    item('shot', 90),
    item('full', 90, 1),
  ];
  // widths 80+100+120+90+90 = 480, 4 gaps of 8 = 32 → 512

  it('keeps everything when it fits', () => {
    expect([...fitItems(items, 512, 8, 40)]).toEqual([]);
  });

  it('hides the lowest priority first (the last of equals first), counting the More button', () => {
    // 511 px: hide "shot" (priority 0, last of the 0s) → 512-98 = 414 + 40 = 454 fits
    expect([...fitItems(items, 511, 8, 40)]).toEqual(['shot']);
    // 440 px: then "scale" → 414-88 = 326 + 40 fits
    expect([...fitItems(items, 440, 8, 40)]).toEqual(['shot', 'scale']);
    // 200 px: only the highest-priority item is left
    expect([...fitItems(items, 200, 8, 40)].sort()).toEqual(['full', 'paste', 'scale', 'shot']);
  });

  it('keeps unmeasured items in the bar so they get measured', () => {
    expect([...fitItems([item('new', undefined), item('a', 300)], 100, 8, 40)]).toEqual(['a']);
  });
});
