import type { consoleCalls } from '../../../shared/contract/consoles.js';
import { ConsoleService } from '../../console/service.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';

const services = new WeakMap<Core, ConsoleService>();

/** The console service of a core (created on first use, stopped with the core). */
export function consoleServiceFor(core: Core): ConsoleService {
  let s = services.get(core);
  if (!s) {
    const svc = new ConsoleService({
      getClient: (id) => core.getClient(id),
      connectionUri: (id) => core.connections.entry(id).uri,
    });
    s = svc;
    services.set(core, svc);
    core.onStop(() => svc.stop());
  }
  return s;
}

export const consoleHandlers = (core: Core): HandlerMap<typeof consoleCalls> => {
  const svc = consoleServiceFor(core);
  const mgr = svc.consoles;
  return {
    'console.openSerial': (input, { session }) => svc.openSerial(input, session),
    'console.openHost': (input, { session }) => svc.openHost(input, session),
    'console.write': async ({ sessionId, data }, { session }) => {
      mgr.write(session, sessionId, data);
      return null;
    },
    'console.resize': async ({ sessionId, cols, rows }, { session }) => {
      mgr.resize(session, sessionId, cols, rows);
      return null;
    },
    'console.ack': async ({ sessionId, bytes }, { session }) => {
      mgr.ack(session, sessionId, bytes);
      return null;
    },
    'console.close': async ({ sessionId }, { session }) => {
      try {
        mgr.close(session, sessionId);
      } catch {
        // already gone (exited, or closed with the VM): closing is idempotent
      }
      return null;
    },
    'console.stats': async ({ sessionId }, { session }) => mgr.stats(session, sessionId),
    'display.open': (input, { session }) => svc.openDisplay(input, session),
    'display.sendKeys': (input) => svc.sendKeys(input),
    'display.screenshot': (input) => svc.screenshot(input),
    'display.addVnc': (input) => svc.addVnc(input),
  };
};
