import { describe, expect, it } from 'vitest';
import { cpuRangesText } from '../../shared/model/index.js';

describe('cpuRangesText', () => {
  it('groups runs, sorts and drops repeats', () => {
    expect(cpuRangesText([8, 0, 1, 2, 3, 3])).toBe('0–3, 8');
    expect(cpuRangesText([5])).toBe('5');
    expect(cpuRangesText([1, 3, 5])).toBe('1, 3, 5');
    expect(cpuRangesText([4, 5])).toBe('4–5');
  });
  it('is empty for no numbers (callers say "none" where they need a word)', () => {
    expect(cpuRangesText([])).toBe('');
  });
});
