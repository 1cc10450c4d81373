/** Direction controls in names (pure; see Name.tsx). */
/** Invisible characters that change the direction of text (LRM/RLM, embeddings, overrides, isolates). */
const BIDI_CONTROLS = '[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]';

/** The name with its direction controls spelled out (⟨U+202E⟩), or null when it has none. Pure. */
export const revealBidi = (name: string): string | null =>
  new RegExp(BIDI_CONTROLS).test(name)
    ? name.replace(
        new RegExp(BIDI_CONTROLS, 'g'),
        (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
      )
    : null;
