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

const two = (n: number): string => String(n).padStart(2, '0');

/** The name of the snapshot taken before an XML edit is applied: `before-xml-edit-2026-12-03-104512`. */
export const snapshotNameNow = (now = new Date()): string =>
  `before-xml-edit-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-` +
  `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
