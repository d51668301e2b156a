/**
 * Step Functions tasks of the yearly renegotiation (workflows/annual-renegotiation.asl.json).
 * Idempotent: retried and re-run on resumption. Changes go through commit() with their audit event.
 */
import * as z from 'zod/mini';
import { publishEvent } from '../../adapters/event-bus.ts';
import { upsertOneTimeSchedule } from '../../adapters/scheduler.ts';
import { completeTask } from '../../adapters/step-functions.ts';
import { commit, withoutKeys } from '../../adapters/store.ts';
import { type OutboxEvent, outboxEvent } from '../../contracts/outbox.ts';
import type { SystemActor } from '../../domain/actors.ts';
import { now, nowIso } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';
import '../../shared/zod-locale.ts';
import {
  answerDueScheduleName,
  supplierDeadlineScheduleName,
  yearStartScheduleName,
} from '../../contracts/timer-event.ts';
import { abandonReason, publishYear, supplierLate } from '../../domain/negotiation.ts';
import {
  ANSWER_REMINDER_LEAD_MS,
  negotiationStage,
  officerDeadline,
  type PerformanceYear,
} from '../../domain/performance.ts';
import { Refusal } from '../../domain/refusal.ts';
import {
  type AgreementItem,
  getAgreement,
  getYear,
  negotiationTokenKey,
  type YearItem,
  yearKey,
} from '../../services/store/agreements.ts';
import { ensureYear, REMINDER_DAYS } from '../../services/workflow/renegotiation-steps.ts';
import { registerWaitingStep } from '../../services/workflow/waiting-steps.ts';
import { fitsInExecution, renegotiationWaitsFrom } from '../../services/workflow/waits.ts';
import { COMMON_TASK_ERRORS, TaskError, taskHandler } from './task.ts';

const actor: SystemActor = { sub: 'system', name: 'annual-renegotiation workflow', role: 'system' };

/**
 * Every error name these tasks fail with, which workflows/annual-renegotiation.asl.json catches or retries by
 * name (test/contracts/asl-errors.test.ts): the tasks' own and those of every task module.
 */
export const TASK_ERRORS = ['AgreementNotFound', 'AgreementEnded', ...COMMON_TASK_ERRORS] as const;
export type RenegotiationTaskError = (typeof TASK_ERRORS)[number];

class WorkflowError extends TaskError<RenegotiationTaskError> {}

const common = { agreementId: z.string(), year: z.number().check(z.int()), executionArn: z.string() };
export const taskInputSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('begin'), ...common }),
  z.strictObject({ task: z.literal('loadYear'), ...common }),
  z.strictObject({
    task: z.literal('awaitStep'),
    step: z.enum(['officer', 'supplier']),
    /** When the execution began (Begin): every wait must end within its life. */
    executionStartedAt: z.string(),
    taskToken: z.string(),
    ...common,
  }),
  z.strictObject({ task: z.literal('supplierLate'), ...common }),
  z.strictObject({ task: z.literal('publishYear'), ...common }),
  z.strictObject({ task: z.literal('abandon'), error: z.unknown(), ...common }),
]);
type TaskInput = z.infer<typeof taskInputSchema>;
type Input<T extends TaskInput['task']> = Extract<TaskInput, { task: T }>;

const loadAgreement = async (id: string): Promise<AgreementItem> => {
  const agreement = await getAgreement(id);
  if (!agreement) throw new WorkflowError('AgreementNotFound', `Agreement ${id} does not exist`);
  return agreement;
};

const mustYear = async (agreementId: string, year: number): Promise<YearItem> => {
  const item = await getYear(agreementId, year);
  if (!item) throw new Error(`No performance agreement ${agreementId} ${year}`);
  return item;
};

const ref = (y: PerformanceYear) => ({
  agreementId: y.agreementId,
  entityId: y.entityId,
  supplierId: y.supplierId,
  year: y.year,
});

const update = (
  before: YearItem,
  changes: Partial<PerformanceYear>,
  action: string,
  executionArn: string,
  reason?: string,
  events: OutboxEvent[] = [],
) =>
  commit({
    aggregate: { type: 'performance', id: `${before.agreementId}:${before.year}` },
    entityId: before.entityId,
    before,
    after: { ...withoutKeys(before), ...yearKey(before.agreementId, before.year), ...changes },
    actor,
    action,
    change: changes,
    executionArn,
    ...(reason ? { reason } : {}),
    events,
  });

const passed = (iso: string | undefined) => iso !== undefined && now().getTime() >= Date.parse(iso);

const tasks = {
  /** The execution's start on the product's clock: Begin is its first state, run once. */
  begin: async () => ({ startedAt: nowIso() }),

  loadYear: async ({ agreementId, year, executionArn }: Input<'loadYear'>) => {
    const agreement = await loadAgreement(agreementId);
    const existing = await getYear(agreementId, year);
    if (existing?.status === 'published') return { stage: 'published', status: 'published' };
    if (agreement.status === 'terminated' || agreement.status === 'expired')
      throw new WorkflowError('AgreementEnded', `Agreement ${agreementId} is ${agreement.status}`);
    const item = existing ?? (await ensureYear(agreement, year, actor, { executionArn }));
    // The check on the first day of the year: flagged if nothing was agreed by then.
    await upsertOneTimeSchedule(yearStartScheduleName(agreementId, year), new Date(Date.UTC(year, 0, 1)), {
      type: 'renegotiation.yearStart',
      agreementId,
      year,
    });
    return { stage: negotiationStage(item), status: item.status };
  },

  awaitStep: async (input: Input<'awaitStep'>) => {
    const item = await mustYear(input.agreementId, input.year);
    const stage = negotiationStage(item);
    if (stage !== input.step) {
      await completeTask(input.taskToken, { outcome: 'moved-on', stage });
      return { registered: false };
    }
    if (input.step === 'supplier' && passed(item.supplierDeadline)) {
      await completeTask(input.taskToken, { outcome: 'deadline' });
      return { registered: false };
    }
    if (!fitsInExecution(input.executionStartedAt, now(), renegotiationWaitsFrom[input.step]))
      throw new WorkflowError(
        'WaitOutlivesExecution',
        `Waiting for the ${input.step} (up to ${renegotiationWaitsFrom[input.step] / 86_400} days) would outlive the workflow execution started ${input.executionStartedAt}`,
      );
    await registerWaitingStep(item, negotiationTokenKey(item.agreementId, item.year, input.step), input);
    // A reminder before the answer is due, to whoever's turn it is.
    const deadline = input.step === 'supplier' ? item.supplierDeadline : officerDeadline(item.year);
    if (deadline && Date.parse(deadline) > now().getTime()) {
      const remindAt = Math.max(
        Date.parse(deadline) - ANSWER_REMINDER_LEAD_MS[input.step],
        now().getTime() + 60_000,
      );
      await upsertOneTimeSchedule(
        answerDueScheduleName(item.agreementId, item.year, input.step, deadline),
        new Date(remindAt),
        {
          type: 'renegotiation.answerDue',
          agreementId: item.agreementId,
          year: item.year,
          role: input.step,
          deadline,
        },
      );
    }
    if (input.step === 'supplier' && item.supplierDeadline) {
      const at = new Date(item.supplierDeadline);
      await upsertOneTimeSchedule(supplierDeadlineScheduleName(item.agreementId, item.year, at), at, {
        type: 'renegotiation.supplierDeadline',
        agreementId: item.agreementId,
        year: item.year,
      });
    }
    return { registered: true };
  },

  supplierLate: async ({ agreementId, year, executionArn }: Input<'supplierLate'>) => {
    const item = await mustYear(agreementId, year);
    const late = supplierLate(item, now(), REMINDER_DAYS);
    if (late.outcome === 'none') return { outcome: 'answered or moved' };
    if (late.outcome === 'reminded') {
      await update(item, late.changes, 'performance.supplier-reminded', executionArn, undefined, [
        outboxEvent('PerformanceAgreement.SupplierReminded', {
          ...ref(item),
          supplierDeadline: late.changes.supplierDeadline,
        }),
      ]);
      return { outcome: 'reminded' };
    }
    await update(item, late.changes, 'performance.escalated', executionArn, late.reason, [
      outboxEvent('PerformanceAgreement.Escalated', { ...ref(item), reason: late.reason }),
    ]);
    return { outcome: 'escalated' };
  },

  publishYear: async ({ agreementId, year, executionArn }: Input<'publishYear'>) => {
    const item = await mustYear(agreementId, year);
    const publication = publishYear(item, nowIso());
    if (!publication) return { published: false };
    const { publishedAt } = publication.changes;
    await update(item, publication.changes, 'performance.published', executionArn, undefined, [
      outboxEvent('PerformanceAgreement.Published', {
        ...ref(item),
        lines: item.lines.map((l) => ({ unit: l.unit, volume: l.volume, unitPrice: l.unitPrice })),
        publishedAt,
      }),
    ]);
    return { published: true };
  },

  abandon: async ({ agreementId, year, error }: Input<'abandon'>) => {
    const item = await mustYear(agreementId, year);
    const reason = abandonReason(error);
    log.warn('renegotiation abandoned', { agreementId, year, status: item.status, reason });
    // Reports that the workflow stopped, not a change of the year: published directly (at least once).
    await publishEvent('PerformanceAgreement.Abandoned', { ...ref(item), status: item.status, reason });
    return { reported: true };
  },
};

// A refusal the workflow does not handle by name fails the task as a plain error.
export const handler = taskHandler(taskInputSchema, tasks, (error) =>
  error instanceof Refusal ? new Error(error.message) : error,
);
