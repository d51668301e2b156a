/**
 * Monthly usage reports of an agreement (routes in functions/http/routes/performance.routes.ts, served by
 * performanceApi through performance.ts). The rules are in domain/usage.ts.
 */

import { commit, withoutKeys } from '../../adapters/store.ts';
import { unitsOf } from '../../domain/negotiation.ts';
import { recordUsage, usageMonth, usageOfYear } from '../../domain/usage.ts';
import { notFound } from '../../http/errors.ts';
import {
  getAgreement,
  getYear,
  listAmendments,
  listUsage,
  type UsageItem,
  usageKey,
} from '../../services/store/agreements.ts';
import { nowIso } from '../../shared/clock.ts';
import { loadAgreement, mayRead, type PerformanceHandlers, today } from './agreements-shared.ts';
import { assertRegisteredSupplier } from './tender-access.ts';

export const usageHandlers: PerformanceHandlers<'reportUsage' | 'listUsage'> = {
  listUsage: async ({ principal, params }) => {
    await assertRegisteredSupplier(principal);
    const agreement = await getAgreement(params.agreementId);
    if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', params.agreementId);
    const [year, reports, amendments] = await Promise.all([
      getYear(agreement.id, params.year),
      listUsage(agreement.id, params.year),
      listAmendments(agreement.id, params.year),
    ]);
    return {
      body: {
        agreementId: agreement.id,
        year: params.year,
        currency: agreement.currency,
        ...usageOfYear(year ?? { lines: [] }, amendments, reports),
      },
    };
  },

  reportUsage: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'usage:report');
    if (principal.role === 'officer' && principal.entityId !== agreement.entityId)
      throw notFound('Agreement', agreement.id);
    const units = unitsOf(agreement, await getYear(agreement.id, params.year));
    const before = (await listUsage(agreement.id, params.year)).find((u) => u.month === params.month);
    const { report, action } = recordUsage(
      agreement,
      units,
      { year: params.year, month: params.month, lines: body.lines },
      {
        today: today(),
        at: nowIso(),
        by: { sub: principal.sub, name: principal.name, role: principal.role },
        earlier: before,
      },
    );
    const { item } = await commit({
      aggregate: { type: 'usage', id: `${agreement.id}:${usageMonth(params.year, params.month)}` },
      entityId: agreement.entityId,
      before,
      after: { ...usageKey(agreement.id, params.year, params.month), ...report },
      actor: principal,
      action,
      change: body.lines,
    });
    return { body: withoutKeys(item as UsageItem) };
  },
};
