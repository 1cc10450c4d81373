/** Pure helpers of the XML tab. */

/**
 * Why `text` is not well-formed XML, in the browser parser's words ("error on line 2 at column 10: …"),
 * or null. Only a quick check before the diff: the main process checks again, and libvirt validates.
 */
export const xmlProblem = (text: string): string | null => {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  if (!err) return null;
  const said = (err.querySelector('div') ?? err).textContent ?? '';
  return said.trim().replace(/\s+/g, ' ') || 'not well-formed';
};
