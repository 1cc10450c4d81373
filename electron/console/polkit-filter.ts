/**
 * Keeps polkit's text agent out of a serial console's guest output.
 *
 * On a system connection virsh may start `pkttyagent` on its own terminal to ask for authorization
 * before it connects. The agent writes to that same pty ("==== AUTHENTICATING FOR org.libvirt… ====",
 * the policy's message, "Authenticating as: …", "Password: ", "==== AUTHENTICATION COMPLETE ===="), so
 * without this filter it would look as if the guest printed it. Those lines become status messages.
 *
 * Only the prelude is filtered: once virsh says it is connected ("Connected to domain …", "Escape
 * character is …"), everything is the guest's, including a polkit prompt the guest itself prints.
 * (In a translated virsh the prelude never visibly ends; then only polkit's exact lines are dropped.)
 */

/** CSI / OSC escape sequences (polkit colours its banner red and may switch to the alternate screen). */
// eslint-disable-next-line no-control-regex -- terminal escapes are control characters by definition
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
/** An escape sequence cut off at the end of a chunk. */
// eslint-disable-next-line no-control-regex -- see above
const ANSI_TAIL = /\x1b(?:\[[0-?]*[ -/]*)?$/;

// eslint-disable-next-line no-control-regex -- see above
const POLKIT_ESCAPES = /\x1b\[(1;31m|\?1049h)$/;

const HEADER = /^==== AUTHENTICATING FOR (\S+) ====/;
const FOOTER = /^==== AUTHENTICATION (COMPLETE|FAILED|CANCELED) ====/;
/** Lines of the agent that can also come alone (its PAM helper, a message printed outside a block). */
const STRAY =
  /^(polkit-agent-helper-1: |Authentication is required\b|Error executing command as another user)/;
/**
 * virsh's own note when no polkit service answers (containers, minimal hosts): it goes on without an
 * agent, so the note says nothing about the guest nor asks anything of the user — dropped silently.
 */
const NO_AGENT = /^Authorization not available\. Check if polkit service is running\b/;
const CONNECTED = /^(Connected to domain\b|Escape character is\b)/;
/** What polkit writes right before its banner: holding these back keeps the guest's colours intact. */
const BANNER_PREFIXES = [
  '==== AUTHENTICATING FOR ',
  'polkit-agent-helper-1: ',
  'Authentication is required',
  'Authorization not available',
];

const plain = (s: string): string => s.replace(ANSI, '').replace(ANSI_TAIL, '').replace(/\r/g, '');

export class PolkitNoiseFilter {
  /** Text of an unfinished line that may turn out to be polkit's (not forwarded yet). */
  private held = '';
  private inBlock = false;
  private prelude = true;
  private lastStatus = '';
  /** The start of the current line, already passed on by `partial` (plain text). */
  private shown = '';

  /** `report` receives plain-words messages about the authentication (shown next to the console). */
  constructor(private readonly report: (message: string) => void) {}

  /** Takes a chunk of the pty's output; returns what goes to the terminal. */
  push(chunk: string): string {
    if (!this.prelude && !this.held) return chunk;
    let text = this.held + chunk;
    this.held = '';
    let out = '';
    while (text) {
      if (!this.prelude) return out + text;
      const nl = text.indexOf('\n');
      if (nl < 0) {
        out += this.partial(text);
        break;
      }
      const line = text.slice(0, nl + 1);
      text = text.slice(nl + 1);
      const shown = this.shown;
      this.shown = '';
      if (this.keep(plain(line).replace(/\n$/, ''), shown)) out += line;
    }
    return out;
  }

  /** The process ended: what was held back was not polkit's after all (unless inside its block). */
  flush(): string {
    const rest = this.inBlock ? '' : this.held;
    this.held = '';
    this.inBlock = false;
    return rest;
  }

  /** A new virsh process starts (re-spawn): it may ask again. */
  reset(): void {
    this.held = '';
    this.inBlock = false;
    this.prelude = true;
    this.lastStatus = '';
    this.shown = '';
  }

  private status(message: string): void {
    // An unfinished prompt is looked at again with every chunk: say it once.
    if (message === this.lastStatus) return;
    this.lastStatus = message;
    this.report(message);
  }

  /** One complete line (without escapes; `shown`: its start, passed on already); false drops it. */
  private keep(line: string, shown = ''): boolean {
    const header = HEADER.exec(line);
    if (header) {
      this.inBlock = true;
      this.status(`Authorization required (polkit: ${header[1]})…`);
      return false;
    }
    if (this.inBlock) {
      const footer = FOOTER.exec(line);
      if (footer) {
        this.inBlock = false;
        this.status(
          footer[1] === 'COMPLETE'
            ? 'Authorized by polkit.'
            : `polkit authentication ${footer[1] === 'FAILED' ? 'failed' : 'was cancelled'}.`,
        );
      } else if (line.trim() && !/^Password:/.test(line) && !/^Authenticating as:/.test(line))
        this.status(`polkit: ${line.trim()}`);
      return false;
    }
    if (NO_AGENT.test(line)) return false;
    if (STRAY.test(line)) {
      this.status(`polkit: ${line.trim()}`);
      return false;
    }
    // virsh's line may have come in pieces, its start passed on already: the whole line decides
    if (CONNECTED.test(shown + line)) this.prelude = false;
    return true;
  }

  /** An unfinished line: forwarded now unless it may still become polkit's. */
  private partial(text: string): string {
    const p = plain(text);
    if (this.inBlock) {
      // A prompt waits for the user's answer on this very terminal: say so, keep it out of the output.
      if (/:\s*$/.test(p)) this.status(`polkit asks: ${p.trim()} (type it in the console, then Enter)`);
      this.held = text;
      return '';
    }
    const maybeBanner =
      p === ''
        ? // an escape cut in two, or the ones polkit writes right before its banner
          ANSI_TAIL.test(text) || POLKIT_ESCAPES.test(text)
        : BANNER_PREFIXES.some((b) => b.startsWith(p) || p.startsWith(b));
    if (maybeBanner) {
      this.held = text;
      return '';
    }
    this.shown += p;
    return text;
  }
}
