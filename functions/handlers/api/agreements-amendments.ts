/**
 * Amendments of a published annual performance agreement (routes in
 * functions/http/routes/performance.routes.ts, served by performanceApi through performance.ts). The rules are
 * in domain/amendment.ts.
 */

import { commit, withoutKeys } from '../../adapters/store.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import { confirmAmendment, findAmendment, proposeAmendment } from '../../domain/amendment.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { type AmendmentItem, amendmentKey, listAmendments } from '../../services/store/agreements.ts';
import { nowIso } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { by, loadAgreement, loadYear, type PerformanceHandlers } from './agreements-shared.ts';

export const amendmentHandlers: PerformanceHandlers<'raiseAmendment' | 'confirmAmendment'> = {
  raiseAmendment: (req) =>
    createIdempotently(req, async (remember) => {
      const { principal, params, body } = req;
      const agreement = await loadAgreement(principal, params.agreementId, 'amendment:raise');
      const year = await loadYear(agreement, params.year);
      const amendment = proposeAmendment(year, await listAmendments(agreement.id, params.year), body, {
        id: newId('amd'),
        by: by(principal),
        at: nowIso(),
      });
      const result = { status: 201, body: { ...amendment, version: 1 } };
      await commit({
        aggregate: { type: 'amendment', id: amendment.id },
        entityId: agreement.entityId,
        before: undefined,
        after: { ...amendmentKey(agreement.id, params.year, amendment.id), ...amendment },
        actor: principal,
        action: 'amendment.raised',
        reason: body.reason,
        change: { unit: body.unit, delta: body.delta },
        extra: remember(result),
      });
      return result;
    }),

  confirmAmendment: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'amendment:confirm');
    const year = await loadYear(agreement, params.year);
    const amendments = await listAmendments(agreement.id, params.year);
    const before = findAmendment(amendments, params.amendmentId);
    const { after, currentVolume } = confirmAmendment(before, year, amendments, {
      by: by(principal),
      at: nowIso(),
    });
    const { item } = await commit({
      aggregate: { type: 'amendment', id: before.id },
      entityId: agreement.entityId,
      before: { ...before, version: body.version },
      after: { ...withoutKeys(after), ...amendmentKey(agreement.id, params.year, before.id) },
      actor: principal,
      action: 'amendment.confirmed',
      change: { status: { from: 'proposed', to: 'confirmed' } },
      events: [
        outboxEvent('Agreement.VolumeAmended', {
          agreementId: agreement.id,
          entityId: agreement.entityId,
          supplierId: agreement.supplierId,
          year: params.year,
          amendmentId: after.id,
          unit: after.unit,
          delta: after.delta,
          currentVolume,
          reason: after.reason,
        }),
      ],
    });
    const confirmed = item as AmendmentItem;
    return { body: withoutKeys(confirmed) };
  },
};
