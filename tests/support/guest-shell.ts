/** Talking to the tiny guest's shell over libvirt's console stream (VirtDesk's own client). */
import type { Duplex } from 'node:stream';
import { type DomainRef, type LibvirtClient } from '../../electron/libvirt/index.js';
import { until } from './poll.js';

/**
 * Opens the guest's serial console (taking it over from any other reader), types `command` and waits
 * until the output matches `answer`; returns the match. Make the answer something only the guest's shell
 * can produce (e.g. computed with `$((…))`), so the echo of the typed line cannot satisfy it. The line
 * is typed again every `retypeMs` while no answer came: input sent while the guest is still booting
 * (after a reset, say) is lost before its shell reads the port.
 */
export async function guestShell(
  client: LibvirtClient,
  dom: DomainRef,
  command: string,
  answer: RegExp,
  timeoutMs = 30_000,
  retypeMs = 5_000,
): Promise<RegExpExecArray> {
  const console: Duplex = await client.domainTakeConsole(dom);
  let out = '';
  console.on('data', (b: Buffer) => (out += b.toString('latin1')));
  const type = () => console.write(`\n${command}\n`);
  type();
  const retype = setInterval(type, retypeMs);
  try {
    return await until(`${answer} from the guest's shell`, timeoutMs, () => answer.exec(out) ?? undefined);
  } finally {
    clearInterval(retype);
    console.destroy();
  }
}
