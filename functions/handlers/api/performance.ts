/**
 * HTTP handler of performanceApi (functions/http/routes/performance.routes.ts): the annual performance
 * agreements of a framework agreement and their negotiation with the renegotiation workflow
 * (agreements-performance.ts), their amendments (agreements-amendments.ts) and the monthly usage
 * reports (agreements-usage.ts), composed into one function. The framework agreements themselves are
 * agreementsApi's (agreements.ts).
 */

import { httpHandler } from '../../http/http.ts';
import { performanceRoutes } from '../../http/routes/performance.routes.ts';
import { amendmentHandlers } from './agreements-amendments.ts';
import { performanceHandlers } from './agreements-performance.ts';
import { usageHandlers } from './agreements-usage.ts';

export const handler = httpHandler(performanceRoutes, {
  ...performanceHandlers,
  ...amendmentHandlers,
  ...usageHandlers,
});
