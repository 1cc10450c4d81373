import { describe, expect, it } from 'vitest';
import { takeWebToken, webSocketUrl } from '../../renderer/src/api/ws.js';

const fakeLocation = (href: string): Location => {
  const u = new URL(href);
  return {
    search: u.search,
    pathname: u.pathname,
    hash: u.hash,
    host: u.host,
    protocol: u.protocol,
  } as Location;
};

const fakeStorage = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};

describe('web mode token in the renderer', () => {
  it('takes the token out of the address bar and keeps it for reloads of the tab', () => {
    const replaced: string[] = [];
    const history = {
      state: null,
      replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)),
    };
    const storage = fakeStorage();
    const token = takeWebToken(
      fakeLocation('http://127.0.0.1:8765/vms?x=1&token=secret-token-123#a'),
      history,
      storage,
    );
    expect(token).toBe('secret-token-123');
    expect(replaced).toEqual(['/vms?x=1#a']);
    expect(replaced.join()).not.toContain('secret');
    // After the reload the URL has no token; sessionStorage still has it.
    expect(takeWebToken(fakeLocation('http://127.0.0.1:8765/vms?x=1#a'), history, storage)).toBe(
      'secret-token-123',
    );
    expect(replaced).toHaveLength(1);
  });

  it('builds ws:// or wss:// URLs with the token', () => {
    expect(webSocketUrl(fakeLocation('http://127.0.0.1:8765/'), 'a b')).toBe(
      'ws://127.0.0.1:8765/ws?token=a%20b',
    );
    expect(webSocketUrl(fakeLocation('https://h:8443/'), 't')).toBe('wss://h:8443/ws?token=t');
  });
});
