import { describe, expect, it } from 'vitest';
import { redactUri } from '../../electron/libvirt/uri.js';
import { libvirtUriSchema, uriHasPassword } from '../../shared/model/names.js';

describe('passwords in URIs', () => {
  it('redacts the password of every URI in a text, keeping the user', () => {
    expect(redactUri("cannot open 'qemu+ssh://root:pw@h/system': refused")).toBe(
      "cannot open 'qemu+ssh://root:***@h/system': refused",
    );
    expect(redactUri('a qemu+ssh://u:p@ss@h:22/system b test+tcp://x:y@z/ c')).toBe(
      'a qemu+ssh://u:***@h:22/system b test+tcp://x:***@z/ c',
    );
    expect(redactUri('qemu+ssh://:pw@h/system')).toBe('qemu+ssh://:***@h/system');
    for (const same of ['qemu+ssh://root@h:22/system', 'qemu:///system', 'qemu+ssh://h:22/system?x=a@b'])
      expect(redactUri(same)).toBe(same);
  });

  it('the contract refuses URIs with a password, with a plain message', () => {
    for (const bad of [
      'qemu+ssh://root:pw@h/system',
      'qemu+ssh://root:@h/system',
      'qemu+ssh://r:p@ss@h/system',
    ]) {
      expect(uriHasPassword(bad)).toBe(true);
      const r = libvirtUriSchema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/password in the URI is not accepted/);
    }
    for (const ok of ['qemu+ssh://root@h:22/system', 'qemu:///system', 'qemu+ssh://h:22/system?a=b:c@d'])
      expect(libvirtUriSchema.safeParse(ok).success).toBe(true);
  });
});
