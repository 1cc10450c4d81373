import type { consoleCalls } from '../../shared/contract/consoles.js';
import type { HandlerMap } from '../base/handlers.js';
import type { ConsoleService } from './service.js';

export const consoleHandlers = (svc: ConsoleService): HandlerMap<typeof consoleCalls> => {
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
