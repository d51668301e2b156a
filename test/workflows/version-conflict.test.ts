/**
 * workflows/tender-lifecycle.asl.json, executed by the Step Functions engine (aws-local-stepfunctions)
 * with the real task handler behind every task state and DynamoDB mocked: a task that meets an
 * ordinary optimistic-lock conflict is retried by the workflow (VersionConflict, jittered backoff)
 * and the execution goes on, instead of failing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { handler } from '../../functions/handlers/tasks/tender-tasks.ts';
import { workflows } from '../../functions/manifest.ts';
import { colonoscopyTender, lambdaContext } from '../helpers/fixtures.ts';
import { outboxTypesOf } from '../helpers/outbox.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const busMock = mockClient(EventBridgeClient);

const ID = 'tnd_00000000000000000000000000000042';
const EXECUTION = `arn:aws:states:eu-north-1:123456789012:execution:TenderLifecycle:${ID}`;

type State = Record<string, unknown> & { Type: string; ItemProcessor?: { States: Record<string, State> } };
type Definition = { StartAt: string; States: Record<string, State> };

/** Node's timers overflow past 2^31-1 ms (firing at once): the engine copy waits at most that long. */
const MAX_SAFE_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const definition = (): Definition => {
  const def: Definition = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../..', workflows.tenderLifecycle.file), 'utf8').replaceAll(
      `\${TenderTasksFunction}`,
      'arn:aws:lambda:eu-north-1:123456789012:function:tender-tasks',
    ),
  );
  for (const state of Object.values(def.States))
    if (Number(state.TimeoutSeconds) > MAX_SAFE_TIMEOUT_SECONDS)
      state.TimeoutSeconds = MAX_SAFE_TIMEOUT_SECONDS;
  return def;
};

/** Every task state calls the real handler with its payload, as Lambda invoke does. */
const realTasks = (def: Definition, calls: { state: string; outcome: string }[]) => {
  const handlers: Record<string, (params: { Payload: unknown }) => Promise<unknown>> = {};
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
      if (state.Type !== 'Task') continue;
      handlers[name] = async (params) => {
        try {
          const payload = await handler(params.Payload as never, lambdaContext());
          calls.push({ state: name, outcome: 'ok' });
          return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
        } catch (error) {
          calls.push({ state: name, outcome: (error as Error).name });
          throw error;
        }
      };
    }
  };
  visit(def.States);
  return handlers;
};

const tender = (overrides: Record<string, unknown> = {}) => ({
  PK: `TENDER#${ID}`,
  SK: 'TENDER',
  id: ID,
  entityId: 'helse-sor-ost',
  status: 'tendering',
  ...colonoscopyTender(),
  currency: 'NOK',
  createdAt: '2026-11-01T10:00:00.000Z',
  createdBy: { sub: 'o', name: 'Kari' },
  updatedAt: '2026-11-01T10:00:00.000Z',
  announcedAt: '2026-11-02T10:00:00.000Z',
  version: 2,
  auditHead: 'b'.repeat(64),
  ...overrides,
});

describe('tender lifecycle workflow: an optimistic-lock conflict', () => {
  beforeEach(() => {
    ddbMock.reset();
    busMock.reset();
    Object.assign(process.env, { TABLE_NAME: 'table', EVENT_BUS_NAME: 'bus' });
    resetEnvCache();
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  it('is retried by the workflow, which goes on (here: to the cancellation that caused it)', async () => {
    // The announcement is being published when an officer cancels the tender: the task's write meets
    // the newer version. Retried, the task reads again and the workflow follows the cancellation.
    let cancelled = false;
    ddbMock
      .on(GetCommand)
      .callsFake(() => ({ Item: cancelled ? tender({ status: 'cancelled', version: 3 }) : tender() }));
    ddbMock.on(TransactWriteCommand).callsFake(() => {
      cancelled = true;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      });
    });
    const def = definition();
    const calls: { state: string; outcome: string }[] = [];
    const machine = new StateMachine(def as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    const execution = machine.run(
      { tenderId: ID },
      {
        overrides: { taskResourceLocalHandlers: realTasks(def, calls) as never },
        context: { Execution: { Id: EXECUTION, Name: ID }, Task: { Token: 'token-1' } },
      },
    );
    const output = await execution.result;
    expect(calls).toEqual([
      { state: 'LoadTender', outcome: 'ok' },
      { state: 'PublishAnnouncement', outcome: 'VersionConflict' },
      // The retry: the tender was cancelled meanwhile, so the workflow ends Cancelled, not failed.
      { state: 'PublishAnnouncement', outcome: 'TenderCancelled' },
    ]);
    expect(output).toMatchObject({ tenderId: ID, error: { Error: 'TenderCancelled' } });
  });

  it('is retried until the write goes through, and the workflow moves on to the next step', async () => {
    let attempts = 0;
    let published = false;
    ddbMock.on(GetCommand).callsFake(() => ({
      Item: published
        ? tender({ status: 'cancelled', announcementPublishedAt: '2026-11-02T10:00:01.000Z', version: 4 })
        : tender(),
    }));
    ddbMock.on(TransactWriteCommand).callsFake(() => {
      attempts++;
      if (attempts < 3)
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        });
      published = true;
      return {};
    });
    const def = definition();
    const calls: { state: string; outcome: string }[] = [];
    const machine = new StateMachine(def as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    await machine.run(
      { tenderId: ID },
      {
        overrides: { taskResourceLocalHandlers: realTasks(def, calls) as never },
        context: { Execution: { Id: EXECUTION, Name: ID }, Task: { Token: 'token-2' } },
      },
    ).result;
    expect(calls.map((c) => `${c.state}: ${c.outcome}`)).toEqual([
      'LoadTender: ok',
      'PublishAnnouncement: VersionConflict',
      'PublishAnnouncement: VersionConflict',
      'PublishAnnouncement: ok',
      // On to the next step (which finds the tender cancelled by then, and ends the workflow there).
      'AwaitBidDeadline: TenderCancelled',
    ]);
    // The announcement's event goes with the write that lands, once: before, each attempt published
    // it first (three Tender.Announced for one announcement).
    expect(busMock).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    const transactions = ddbMock.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(3);
    expect(outboxTypesOf(ddbMock)).toEqual(['Tender.Announced', 'Tender.Announced', 'Tender.Announced']);
    expect(
      (transactions[2]?.args[0].input.TransactItems ?? [])
        .map((t) => t.Put?.Item?.detailType)
        .filter(Boolean),
    ).toEqual(['Tender.Announced']);
  });
});
