import type { tuningSecurityCalls } from '../../shared/contract/tuning-security.js';
import type { HandlerMap } from '../base/handlers.js';
import type { TuningSecurityService } from './security.js';

export const tuningSecurityHandlers = (
  svc: TuningSecurityService,
): HandlerMap<typeof tuningSecurityCalls> => ({
  'tuning.security': (input) => svc.get(input),
  'tuning.setSecurity': (input) => svc.set(input),
});
