/**
 * Step Functions tasks of the tender lifecycle (workflows/tender-lifecycle.asl.json). Each task is
 * idempotent: Step Functions retries them, and a resumed execution runs them again.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import * as z from 'zod/mini';
import type { SystemActor } from '../commons/auth.ts';
import { ddb } from '../commons/clients.ts';
import { nowIso, nowMs } from '../commons/clock.ts';
import { publishEvent } from '../commons/events.ts';
import { log } from '../commons/log.ts';
import { upsertOneTimeSchedule } from '../commons/schedules.ts';
import { commit, tableName, withoutKeys } from '../commons/store.ts';
import { completeTask } from '../commons/workflows.ts';
import '../commons/zod-locale.ts';
import type { Tender } from '../domain/tender.ts';
import { bidDeadlineScheduleName } from '../events/timer-event.ts';
import { getTender, type TenderItem, taskTokenKey, tenderItem } from '../store/tenders.ts';

const workflowActor: SystemActor = { sub: 'system', name: 'tender-lifecycle workflow', role: 'system' };

/** Errors the workflow catches by name (Catch ErrorEquals). */
class WorkflowError extends Error {
  constructor(name: 'TenderNotFound' | 'TenderCancelled' | 'DeadlineNotReached', message: string) {
    super(message);
    this.name = name;
  }
}

const tenderId = z.string().check(z.minLength(1));
const executionArn = z.string().check(z.minLength(1));

export const taskInputSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('loadTender'), tenderId }),
  z.strictObject({ task: z.literal('publishAnnouncement'), tenderId, executionArn }),
  z.strictObject({ task: z.literal('awaitBidDeadline'), tenderId, executionArn, taskToken: z.string() }),
  z.strictObject({ task: z.literal('openTender'), tenderId, executionArn }),
  z.strictObject({ task: z.literal('deadlineTimerLost'), tenderId, executionArn }),
]);
export type TaskInput = z.infer<typeof taskInputSchema>;

const mustLoad = async (id: string): Promise<TenderItem> => {
  const tender = await getTender(id);
  if (!tender) throw new WorkflowError('TenderNotFound', `Tender ${id} does not exist`);
  return tender;
};

const deadlinePassed = (tender: Tender): boolean => nowMs() >= new Date(tender.bidDeadline).getTime();

const tasks = {
  loadTender: async ({ tenderId }: Extract<TaskInput, { task: 'loadTender' }>) => {
    const tender = await mustLoad(tenderId);
    return {
      tenderId,
      status: tender.status,
      bidDeadline: tender.bidDeadline,
      announcementPublished: tender.announcementPublishedAt !== undefined,
    };
  },

  publishAnnouncement: async ({
    tenderId,
    executionArn,
  }: Extract<TaskInput, { task: 'publishAnnouncement' }>) => {
    const tender = await mustLoad(tenderId);
    if (tender.announcementPublishedAt) return { published: false };
    // Publish first, then record: a retry may publish twice (at least once), never zero times.
    await publishEvent('Tender.Announced', {
      tenderId,
      entityId: tender.entityId,
      title: tender.title,
      serviceAreaId: tender.serviceAreaId,
      bidDeadline: tender.bidDeadline,
      announcedAt: tender.announcedAt ?? nowIso(),
      lots: tender.lots.map((l) => ({ id: l.id, title: l.title })),
    });
    const at = nowIso();
    await commit({
      aggregate: { type: 'tender', id: tenderId },
      entityId: tender.entityId,
      before: tender,
      after: tenderItem({ ...withoutKeys(tender), announcementPublishedAt: at }),
      actor: workflowActor,
      action: 'tender.announcement-published',
      change: { announcementPublishedAt: at },
      executionArn,
    });
    return { published: true };
  },

  awaitBidDeadline: async (input: Extract<TaskInput, { task: 'awaitBidDeadline' }>) => {
    const tender = await mustLoad(input.tenderId);
    if (tender.status === 'cancelled')
      throw new WorkflowError('TenderCancelled', `Tender ${tender.id} is cancelled`);
    if (tender.status !== 'tendering') {
      await completeTask(input.taskToken, { reason: `already ${tender.status}` });
      return { registered: false };
    }
    // The token is stored only while the tender still waits for its deadline (conditional write).
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: { PK: tender.PK, SK: tender.SK },
              ConditionExpression: '#status = :tendering',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':tendering': 'tendering' },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...taskTokenKey(tender.id, 'bidDeadline'),
                taskToken: input.taskToken,
                executionArn: input.executionArn,
                registeredAt: nowIso(),
              },
            },
          },
        ],
      }),
    );
    await upsertOneTimeSchedule(bidDeadlineScheduleName(tender.id), new Date(tender.bidDeadline), {
      type: 'tender.bidDeadline',
      tenderId: tender.id,
    });
    if (deadlinePassed(tender)) await completeTask(input.taskToken, { reason: 'deadline already passed' });
    return { registered: true };
  },

  openTender: async ({ tenderId, executionArn }: Extract<TaskInput, { task: 'openTender' }>) => {
    const tender = await mustLoad(tenderId);
    if (tender.status === 'cancelled')
      throw new WorkflowError('TenderCancelled', `Tender ${tenderId} is cancelled`);
    if (tender.status === 'tendering') {
      if (!deadlinePassed(tender)) {
        throw new WorkflowError(
          'DeadlineNotReached',
          `The bid deadline ${tender.bidDeadline} has not passed yet`,
        );
      }
      const at = nowIso();
      await commit({
        aggregate: { type: 'tender', id: tenderId },
        entityId: tender.entityId,
        before: tender,
        after: tenderItem({ ...withoutKeys(tender), status: 'evaluation', openedAt: at, updatedAt: at }),
        actor: workflowActor,
        action: 'tender.opened',
        change: { status: { from: 'tendering', to: 'evaluation' }, openedAt: at },
        executionArn,
      });
      await publishEvent('Tender.Opened', {
        tenderId,
        entityId: tender.entityId,
        title: tender.title,
        openedAt: at,
      });
      return { opened: true };
    }
    return { opened: false };
  },

  deadlineTimerLost: async ({ tenderId }: Extract<TaskInput, { task: 'deadlineTimerLost' }>) => {
    const tender = await mustLoad(tenderId);
    log.error('bid deadline never reached within the waiting timeout', {
      tenderId,
      bidDeadline: tender.bidDeadline,
    });
    await publishEvent('Tender.DeadlineTimerLost', {
      tenderId,
      entityId: tender.entityId,
      detectedAt: nowIso(),
    });
    return { reported: true };
  },
};

const lambdaHandler = async (event: unknown) => {
  const input = taskInputSchema.parse(event);
  log.debug('workflow task', { task: input.task, tenderId: input.tenderId });
  return tasks[input.task](input as never);
};

export const handler = middy().handler(lambdaHandler);
