import type { tuningCalls } from '../../shared/contract/tuning.js';
import type { HandlerMap } from '../base/handlers.js';
import type { TuningService } from './service.js';

export const tuningHandlers = (svc: TuningService): HandlerMap<typeof tuningCalls> => ({
  'tuning.get': (input) => svc.get(input),
  'tuning.apply': (input) => svc.apply(input),
  'tuning.preview': (input) => svc.preview(input),
});
