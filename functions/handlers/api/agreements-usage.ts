/**
 * Monthly usage reports of an agreement (route in functions/http/routes/agreements.routes.ts, served by
 * agreementsApi through agreements.ts). The rules are in domain/usage.ts.
 */

import { commit, withoutKeys } from '../../adapters/store.ts';
import { unitsOf } from '../../domain/negotiation.ts';
import { recordUsage, usageMonth } from '../../domain/usage.ts';
import { notFound } from '../../http/errors.ts';
import { getYear, listUsage, type UsageItem, usageKey } from '../../services/store/agreements.ts';
import { nowIso } from '../../shared/clock.ts';
import { type AgreementHandlers, loadAgreement, today } from './agreements-shared.ts';

export const usageHandlers: AgreementHandlers<'reportUsage'> = {
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
