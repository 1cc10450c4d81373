import type { tuningPlanCalls } from '../../shared/contract/tuning-plans.js';
import type { HandlerMap } from '../base/handlers.js';
import type { TuningPlanService } from './plan-service.js';

export const tuningPlanHandlers = (svc: TuningPlanService): HandlerMap<typeof tuningPlanCalls> => ({
  'tuning.realtime': (input) => svc.realtime(input),
  'tuning.propose': (input) => svc.propose(input),
  'tuning.applyProposal': (input) => svc.applyProposal(input),
});
