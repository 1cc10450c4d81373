import type { domainXmlCalls } from '../../shared/contract/domainxml.js';
import type { HandlerMap } from '../base/handlers.js';
import type { DomainXmlService } from './service.js';

export const domainXmlHandlers = (svc: DomainXmlService): HandlerMap<typeof domainXmlCalls> => ({
  'domainxml.load': (input) => svc.load(input),
  'domainxml.define': (input) => svc.define(input),
});
