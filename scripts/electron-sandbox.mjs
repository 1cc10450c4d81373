// Whether and how `npm start` may launch Electron for this user (pure, unit-tested).
//
// Chromium refuses to start as root with its sandbox on. Turning the sandbox off would leave every
// renderer (which shows names and text coming from VMs and remote hosts) running as root without a
// sandbox, so we never do it on our own: as root the launcher stops and explains, unless the user
// passes ALLOW_ROOT_FLAG, and then it says loudly what it does.

export const ALLOW_ROOT_FLAG = '--allow-root-without-sandbox';

/**
 * @param {{ euid: number | null, argv: string[] }} input  effective uid (null = unknown) and the
 *   arguments given to `npm start`
 * @returns {{ ok: true, electronArgs: string[], warning: string | null } | { ok: false, message: string }}
 */
export function sandboxDecision({ euid, argv }) {
  const allowRoot = argv.includes(ALLOW_ROOT_FLAG);
  const rest = argv.filter((a) => a !== ALLOW_ROOT_FLAG);
  if (euid !== 0) return { ok: true, electronArgs: rest, warning: null };
  if (!allowRoot) {
    return {
      ok: false,
      message:
        'Refusing to start VirtDesk as root: Chromium only runs as root with its sandbox turned off,\n' +
        'which would leave every window without that protection while running as root.\n' +
        'Start it as your own user (in the libvirt group); web mode (npm run serve) also works that way.\n' +
        `If you really mean it: npm start -- ${ALLOW_ROOT_FLAG}`,
    };
  }
  return {
    ok: true,
    electronArgs: ['--no-sandbox', ...rest],
    warning: `WARNING: running as root with Chromium's sandbox turned OFF (${ALLOW_ROOT_FLAG}).`,
  };
}
