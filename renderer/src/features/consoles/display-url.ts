/**
 * Where noVNC connects for a display session. Electron (the preload bridge is present) uses the proxy's
 * own loopback URL. A browser in web mode uses the page's origin instead: web mode serves the proxy on its
 * port too, so a host reached through one forwarded port (ssh -L) or a non-loopback bind shows displays.
 */
export function displayUrl(
  r: { url: string; path: string },
  page: { protocol: string; host: string },
  electron: boolean,
): string {
  if (electron) return r.url;
  const proto = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${page.host}${r.path}`;
}
