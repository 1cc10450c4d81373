import { describe, expect, it } from 'vitest';
import { PolkitNoiseFilter } from '../../electron/console/polkit-filter.js';

/** What a pty shows when virsh runs pkttyagent on it (colours and alternate screen as a tty gets them). */
const RED = '\x1b[1;31m';
const RESET = '\x1b[0m';
const AGENT_PROMPT =
  '\x1b[?1049h' +
  `${RED}==== AUTHENTICATING FOR org.libvirt.unix.manage ====\r\n${RESET}` +
  'System policy prevents management of local virtualized systems\r\n' +
  'Authenticating as: Ada Lovelace (ada)\r\n' +
  'Password: ';
const AGENT_DONE = `\r\n${RED}==== AUTHENTICATION COMPLETE ====\r\n${RESET}\x1b[?1049l`;
const VIRSH = "Connected to domain 'web'\r\nEscape character is ^] (Ctrl + ])\r\n";
const GUEST = '\r\nDebian GNU/Linux 12 web ttyS0\r\n\r\nweb login: ';

/**
 * Feeds each part (what the pty has before the program waits: the prompt, then the rest after the user
 * answered) cut at every `size` characters; returns the output and the status messages.
 */
const run = (parts: string[], size: number): { out: string; status: string[] } => {
  const status: string[] = [];
  const f = new PolkitNoiseFilter((m) => status.push(m));
  let out = '';
  for (const text of parts)
    for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
  out += f.flush();
  return { out, status };
};

describe('PolkitNoiseFilter', () => {
  it('keeps the agent out of the guest output however the pty cuts it, and reports it as status', () => {
    const parts = [AGENT_PROMPT, AGENT_DONE + VIRSH + GUEST];
    for (const size of [1, 2, 3, 7, 16, 64, 1000]) {
      const { out, status } = run(parts, size);
      expect(out, `chunks of ${size}`).not.toMatch(/AUTHENTICAT|Password|policy|Lovelace/);
      // virsh's own lines and the guest's output arrive whole and in order
      expect(out.endsWith(VIRSH + GUEST), `chunks of ${size}`).toBe(true);
      expect(status[0]).toBe('Authorization required (polkit: org.libvirt.unix.manage)…');
      expect(status).toContain('polkit: System policy prevents management of local virtualized systems');
      expect(status.filter((s) => s.startsWith('polkit asks: Password:'))).toHaveLength(1);
      expect(status.at(-1)).toBe('Authorized by polkit.');
    }
  });

  it('reports a failed authentication and a stray agent line, and drops them', () => {
    const text =
      'Authentication is required to manage local virtualized systems\n' +
      'polkit-agent-helper-1: pam_authenticate failed: Authentication failure\n' +
      '==== AUTHENTICATING FOR org.libvirt.unix.manage ====\nPassword: \n' +
      '==== AUTHENTICATION FAILED ====\n' +
      'error: failed to connect to the hypervisor\n';
    const { out, status } = run([text], 5);
    expect(out).toBe('error: failed to connect to the hypervisor\n');
    expect(status).toContain(
      'polkit: polkit-agent-helper-1: pam_authenticate failed: Authentication failure',
    );
    expect(status.at(-1)).toBe('polkit authentication failed.');
  });

  it("drops virsh's note that no polkit service answers (it goes on without one), however the pty cuts it", () => {
    const note =
      'Authorization not available. Check if polkit service is running or see debug message for more information.\r\n';
    for (const size of [1, 4, 13, 1000]) {
      const { out, status } = run([note + VIRSH + GUEST], size);
      expect(out, `chunks of ${size}`).toBe(VIRSH + GUEST);
      expect(status).toEqual([]);
    }
    // the guest printing the same words after virsh connected is the guest's
    expect(run([VIRSH + note], 7).out).toBe(VIRSH + note);
  });

  it('passes guest output through at once, even an unfinished line, and leaves the guest alone once connected', () => {
    const status: string[] = [];
    const f = new PolkitNoiseFilter((m) => status.push(m));
    expect(f.push('web login: ')).toBe('web login: ');
    expect(f.push(VIRSH)).toBe(VIRSH);
    // after virsh connected, a polkit prompt is the guest's own (pkttyagent on its serial line)
    const guestAgent = '==== AUTHENTICATING FOR org.freedesktop.systemd1.manage-units ====\r\nPassword: ';
    expect(f.push(guestAgent.slice(0, 10)) + f.push(guestAgent.slice(10))).toBe(guestAgent);
    expect(status).toEqual([]);
  });

  it('holds back only what may still become a banner, and gives it back when it does not', () => {
    const f = new PolkitNoiseFilter(() => undefined);
    expect(f.push('====')).toBe('');
    expect(f.push(' done ====\r\n')).toBe('==== done ====\r\n');
    expect(f.push(RED)).toBe('');
    expect(f.push('hello\r\n')).toBe(`${RED}hello\r\n`);
    expect(f.push('polk')).toBe('');
    expect(f.flush()).toBe('polk');
  });

  it('filters again after reset (virsh re-spawned after a guest reboot)', () => {
    const f = new PolkitNoiseFilter(() => undefined);
    expect(f.push(VIRSH)).toBe(VIRSH);
    f.reset();
    expect(f.push(AGENT_PROMPT + AGENT_DONE + VIRSH)).toBe(`${RESET}\x1b[?1049l${VIRSH}`);
  });
});
