/**
 * The annual performance agreements of an agreement and their yearly negotiation (routes in
 * functions/http/routes/performance.routes.ts, served by performanceApi through performance.ts). The rules
 * are in domain/negotiation.ts; the renegotiation workflow decides with the same transitions.
 */

import { executionArnFor, readExecution, startWorkflow } from '../../adapters/step-functions.ts';
import { withoutKeys } from '../../adapters/store.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import {
  answerYear,
  approveYear,
  checkNegotiable,
  checkNotPublished,
  proposeYear,
  unitsOf,
} from '../../domain/negotiation.ts';
import { notFound, Problem } from '../../http/errors.ts';
import { getAgreement, getYear } from '../../services/store/agreements.ts';
import {
  completeNegotiationStep,
  ensureYear,
  executionNameFor,
  SUPPLIER_ANSWER_DAYS,
} from '../../services/workflow/renegotiation-steps.ts';
import { now, nowIso } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';
import {
  by,
  commitYear,
  loadAgreement,
  loadYear,
  mayRead,
  type PerformanceHandlers,
  plainLines,
  updateYear,
  yearRef,
  yearView,
} from './agreements-shared.ts';
import { assertRegisteredSupplier } from './tender-access.ts';

export const performanceHandlers: PerformanceHandlers<
  'getYear' | 'startNegotiation' | 'proposeYear' | 'answerYear' | 'approveYear' | 'getNegotiationWorkflow'
> = {
  getYear: async ({ principal, params }) => {
    await assertRegisteredSupplier(principal);
    // One answer for every year the caller cannot see (no such agreement, no such year, or a
    // foreign agreement's year not yet published): a 404 must not tell them apart.
    const hidden = notFound(`Performance agreement ${params.year} of agreement`, params.agreementId);
    const agreement = await getAgreement(params.agreementId);
    if (!agreement) throw hidden;
    const involved = mayRead(principal, agreement);
    const item = await getYear(agreement.id, params.year);
    if (!item || (!involved && item.status !== 'published')) throw hidden;
    return {
      body: await yearView(item, involved, agreement.currency),
      headers: { etag: `"${item.version}"` },
    };
  },

  startNegotiation: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:start');
    checkNegotiable(agreement, params.year, body.need);
    const item = await ensureYear(agreement, params.year, principal, body.need ? { need: body.need } : {});
    checkNotPublished(item);
    const running = item.executionArn ? await readExecution(item.executionArn) : undefined;
    const name =
      running && running.status !== 'RUNNING'
        ? `${executionNameFor(agreement.id, params.year)}-${Date.now().toString(36)}`
        : executionNameFor(agreement.id, params.year);
    try {
      await startWorkflow('annualRenegotiation', name, { agreementId: agreement.id, year: params.year });
    } catch (error) {
      if ((error as Error).name !== 'ExecutionAlreadyExists') {
        log.error('could not start the renegotiation', { agreementId: agreement.id, error });
        throw new Problem(
          503,
          'workflow-unavailable',
          'The workflow could not be started',
          'Repeat the request to start it',
        );
      }
    }
    const executionArn = executionArnFor('annualRenegotiation', name);
    const current =
      item.executionArn === executionArn
        ? item
        : await updateYear(
            item,
            item.version,
            { executionArn },
            principal,
            'performance.negotiation-started',
            { executionArn },
          );
    return { status: 202, body: await yearView(current, true, agreement.currency) };
  },

  proposeYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:propose');
    const before = await loadYear(agreement, params.year);
    const { after, supplierDeadline } = proposeYear(
      withoutKeys(before),
      unitsOf(agreement, before),
      { ...body, answerDays: body.answerDays ?? SUPPLIER_ANSWER_DAYS },
      { by: by(principal), now: now() },
    );
    const item = await commitYear(
      before,
      body.version,
      after,
      principal,
      'performance.proposed',
      { lines: body.lines, priceAdjustmentPercent: body.priceAdjustmentPercent, supplierDeadline },
      [
        outboxEvent('PerformanceAgreement.Proposed', {
          ...yearRef(after),
          lines: plainLines(after.lines),
          supplierDeadline,
        }),
      ],
    );
    await completeNegotiationStep(agreement.id, params.year, 'officer', { outcome: 'proposed' });
    return { body: await yearView(item, true, agreement.currency) };
  },

  answerYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:answer');
    const before = await loadYear(agreement, params.year);
    const { after, round, action } = answerYear(withoutKeys(before), unitsOf(agreement, before), body, {
      by: by(principal),
      at: nowIso(),
    });
    const item = await commitYear(
      before,
      body.version,
      after,
      principal,
      action,
      body.accept
        ? { accepted: true }
        : { lines: round.lines, priceAdjustmentPercent: round.priceAdjustmentPercent },
      [
        outboxEvent(body.accept ? 'PerformanceAgreement.Agreed' : 'PerformanceAgreement.Countered', {
          ...yearRef(after),
          lines: plainLines(after.lines),
        }),
      ],
    );
    await completeNegotiationStep(agreement.id, params.year, 'supplier', { outcome: 'answered' });
    return { body: await yearView(item, true, agreement.currency) };
  },

  approveYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:approve');
    const before = await loadYear(agreement, params.year);
    const at = nowIso();
    const { changes, acceptsCounter, action } = approveYear(before, { by: by(principal), at });
    // The year as updateYear stores it (its version aside), which the event reports.
    const stored = { ...before, ...changes };
    const item = await updateYear(
      before,
      body.version,
      changes,
      principal,
      action,
      { approvedAt: at, lines: before.lines },
      acceptsCounter
        ? [
            outboxEvent('PerformanceAgreement.Agreed', {
              ...yearRef(stored),
              lines: plainLines(stored.lines),
            }),
          ]
        : [],
    );
    await completeNegotiationStep(agreement.id, params.year, 'officer', { outcome: 'approved' });
    return { body: await yearView(item, true, agreement.currency) };
  },

  getNegotiationWorkflow: async ({ principal, params }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'workflow:read');
    const item = await loadYear(agreement, params.year);
    const execution = item.executionArn ? await readExecution(item.executionArn) : undefined;
    if (!execution) throw notFound('Renegotiation workflow of', `${agreement.id} ${params.year}`);
    return { body: execution };
  },
};
