import { describe, expect, it } from 'vitest';
import { revealBidi } from '../../renderer/src/ui/bidi.js';

describe('names with direction controls', () => {
  it('spells out overrides, embeddings, isolates and marks', () => {
    expect(revealBidi('report\u202Efdp.exe')).toBe('report⟨U+202E⟩fdp.exe');
    expect(revealBidi('a\u2066b\u2069\u200Fc\u061C')).toBe('a⟨U+2066⟩b⟨U+2069⟩⟨U+200F⟩c⟨U+061C⟩');
    // twice in a row (no regex state carried over)
    expect(revealBidi('x\u202Dy')).toBe('x⟨U+202D⟩y');
    expect(revealBidi('x\u202Dy')).toBe('x⟨U+202D⟩y');
  });
  it('leaves other names alone, right-to-left scripts included', () => {
    expect(revealBidi('web-01')).toBeNull();
    expect(revealBidi('خادم-الويب')).toBeNull();
  });
});
