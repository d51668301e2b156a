import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { completeContent } from '../../functions/domain/tender.ts';
import { handler } from '../../functions/handlers/api/tenders.ts';
import { createTenderBody } from '../../functions/http/routes/tenders.routes.ts';
import { canonicalJson, sha256 } from '../../functions/shared/canonical.ts';
import { apiEvent, colonoscopyTender, lambdaContext, officerOf } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:eu-north-1:123456789012:stateMachine:TenderLifecycle';

const invoke = async (event: ReturnType<typeof apiEvent>) => {
  const result = await handler(event, lambdaContext());
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

const storedDraft = (overrides: Record<string, unknown> = {}) => ({
  PK: 'TENDER#tnd_00000000000000000000000000000001',
  SK: 'TENDER',
  id: 'tnd_00000000000000000000000000000001',
  entityId: 'helse-sor-ost',
  status: 'draft',
  // As stored: completed (estimated values carry the currency).
  ...completeContent(createTenderBody.parse(colonoscopyTender()), 'helse-sor-ost', referenceLookups),
  currency: 'NOK',
  qualificationRequirements: [],
  createdAt: '2026-11-01T10:00:00.000Z',
  createdBy: { sub: 'officer-1', name: 'Kari' },
  updatedAt: '2026-11-01T10:00:00.000Z',
  version: 3,
  auditHead: 'a'.repeat(64),
  GSI1PK: 'ENTITY#helse-sor-ost#TENDERS',
  GSI1SK: '2026-11-01T10:00:00.000Z#tnd_00000000000000000000000000000001',
  ...overrides,
});
const ID = 'tnd_00000000000000000000000000000001';

describe('tenders API handler', () => {
  beforeEach(() => {
    ddbMock.reset();
    sfnMock.reset();
    process.env.TABLE_NAME = 'tenders-table';
    // The entities' own reference data (services/store/reference.ts): none.
    ddbMock.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFERENCE' } }).resolves({ Items: [] });
    process.env.WORKFLOW_TENDER_LIFECYCLE_ARN = STATE_MACHINE;
    resetEnvCache();
  });

  describe('POST /tenders', () => {
    it('writes the draft and its audit event in one transaction, the draft only if new', async () => {
      // Prepare
      ddbMock.on(TransactWriteCommand).resolves({});
      // Act
      const res = await invoke(apiEvent('POST /tenders', { who: officerOf(), body: colonoscopyTender() }));
      // Assess
      expect(res.statusCode).toBe(201);
      expect(res.json).toMatchObject({
        status: 'draft',
        entityId: 'helse-sor-ost',
        currency: 'NOK',
        version: 1,
      });
      expect(res.headers?.location).toBe(`/tenders/${res.json.id}`);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items).toHaveLength(2);
      expect(items[0]?.Put).toMatchObject({
        TableName: 'tenders-table',
        ConditionExpression: 'attribute_not_exists(PK)',
        Item: { PK: `TENDER#${res.json.id}`, version: 1, GSI1PK: 'ENTITY#helse-sor-ost#TENDERS' },
      });
      expect(items[0]?.Put?.Item?.GSI2PK).toBeUndefined();
      expect(items[1]?.Put).toMatchObject({
        ConditionExpression: 'attribute_not_exists(PK)',
        Item: {
          PK: `AUDIT#tender#${res.json.id}`,
          SK: 'SEQ#0000000001',
          action: 'tender.created',
          actor: { role: 'officer' },
          entityId: 'helse-sor-ost',
        },
      });
      expect(items[0]?.Put?.Item?.auditHead).toBe(items[1]?.Put?.Item?.hash);
    });

    it('answers a rule breach with a 422 problem that points at each mistake, and writes nothing', async () => {
      const body = structuredClone(colonoscopyTender());
      body.awardCriteria[0]!.weight = 50;
      body.lots[1]!.minSuppliers = 3;
      body.lots[0]!.hospitalAreaIds = ['bergen'];
      body.bidDeadline = '2020-01-01T12:00:00Z';
      const res = await invoke(apiEvent('POST /tenders', { who: officerOf(), body }));
      expect(res.statusCode).toBe(422);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
      const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer);
      expect(pointers).toEqual(
        expect.arrayContaining([
          '#/awardCriteria',
          '#/lots/1/minSuppliers',
          '#/lots/0/hospitalAreaIds/0',
          '#/bidDeadline',
        ]),
      );
      expect(
        res.json.errors.find((e: { pointer: string }) => e.pointer === '#/awardCriteria').detail,
      ).toContain('110');
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    });

    it('rejects unknown fields and malformed values with a 400 problem', async () => {
      const res = await invoke(
        apiEvent('POST /tenders', {
          who: officerOf(),
          body: { ...colonoscopyTender(), budget: 1, standstillDays: -1 },
        }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pointer: '#/budget' }),
          expect.objectContaining({ pointer: '#/standstillDays' }),
        ]),
      );
    });

    it('rejects a body that is not JSON, too large, or of another media type', async () => {
      expect(
        (await invoke(apiEvent('POST /tenders', { who: officerOf(), body: '{"title":' }))).statusCode,
      ).toBe(400);
      const huge = JSON.stringify({ ...colonoscopyTender(), description: 'x'.repeat(300 * 1024) });
      expect((await invoke(apiEvent('POST /tenders', { who: officerOf(), body: huge }))).statusCode).toBe(
        413,
      );
      const form = apiEvent('POST /tenders', {
        who: officerOf(),
        body: 'title=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect((await invoke(form)).statusCode).toBe(415);
    });

    it('forbids the other roles', async () => {
      for (const who of [
        { role: 'evaluator' as const, entity: 'helse-sor-ost' },
        { role: 'auditor' as const, entity: 'helse-sor-ost' },
        { role: 'supplier' as const, supplier: 'aleris-hamlet' },
      ]) {
        const res = await invoke(apiEvent('POST /tenders', { who, body: colonoscopyTender() }));
        expect(res.statusCode).toBe(403);
      }
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    });

    it('replays the first answer for a retried Idempotency-Key without writing again', async () => {
      const first = {
        status: 201,
        body: { id: 'tnd_x', version: 1 },
        headers: { location: '/tenders/tnd_x' },
      };
      ddbMock.on(GetCommand).resolves({ Item: { requestHash: 'will-not-match', ...first } });
      const mismatch = await invoke(
        apiEvent('POST /tenders', {
          who: officerOf(),
          body: colonoscopyTender(),
          headers: { 'idempotency-key': 'key-12345678' },
        }),
      );
      expect(mismatch.statusCode).toBe(422);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    });

    it("on a racing retry, the loser's transaction fails on the idempotency record and the winner is replayed", async () => {
      const body = colonoscopyTender();
      const requestHash = sha256(`/tenders\n${canonicalJson(createTenderBody.parse(body))}`);
      const winner = {
        requestHash,
        status: 201,
        body: { id: 'tnd_winner' },
        headers: { location: '/tenders/tnd_winner' },
      };
      ddbMock.on(GetCommand).resolvesOnce({}).resolves({ Item: winner });
      ddbMock.on(TransactWriteCommand).rejects(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
        }),
      );
      const res = await invoke(
        apiEvent('POST /tenders', { who: officerOf(), body, headers: { 'idempotency-key': 'key-12345678' } }),
      );
      expect(res.statusCode).toBe(201);
      expect(res.json.id).toBe('tnd_winner');
      expect(res.headers?.['idempotency-replayed']).toBe('true');
      // A plain retry afterwards replays without trying to write.
      const retry = await invoke(
        apiEvent('POST /tenders', { who: officerOf(), body, headers: { 'idempotency-key': 'key-12345678' } }),
      );
      expect(retry.json.id).toBe('tnd_winner');
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    });

    it("replays the winner when the loser's transaction only ever met the winner's in flight", async () => {
      // 50 at once with one key: a loser whose every attempt met a transaction in flight
      // (TransactionConflict) answered 503 while the winner's record stood (a CI run: 49 × 201, 1 × 503).
      const body = colonoscopyTender();
      const requestHash = sha256(`/tenders\n${canonicalJson(createTenderBody.parse(body))}`);
      const winner = { requestHash, status: 201, body: { id: 'tnd_winner' }, headers: {} };
      ddbMock.on(GetCommand).resolvesOnce({}).resolves({ Item: winner });
      ddbMock.on(TransactWriteCommand).rejects(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }],
        }),
      );
      const res = await invoke(
        apiEvent('POST /tenders', { who: officerOf(), body, headers: { 'idempotency-key': 'key-12345678' } }),
      );
      expect(res.statusCode).toBe(201);
      expect(res.json.id).toBe('tnd_winner');
      expect(res.headers?.['idempotency-replayed']).toBe('true');
    }, 30_000);
  });

  describe('PATCH /tenders/{tenderId}', () => {
    it('updates under the version read and records what changed', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      ddbMock.on(TransactWriteCommand).resolves({});
      const res = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, title: 'Koloskopi — endret' },
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({ title: 'Koloskopi — endret', version: 4 });
      const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items[0]?.Put).toMatchObject({
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': 3 },
      });
      expect(items[1]?.Put?.Item).toMatchObject({
        SK: 'SEQ#0000000004',
        prevHash: 'a'.repeat(64),
        action: 'tender.updated',
        change: { title: { from: 'Koloskopi i Innlandet, Vestfold og Telemark', to: 'Koloskopi — endret' } },
      });
    });

    it('answers 409 when someone else changed it since', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      ddbMock.on(TransactWriteCommand).rejects(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      );
      const res = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 2, title: 'x' },
        }),
      );
      expect(res.statusCode).toBe(409);
      expect(res.json.type).toContain('conflict');
    });

    it('refuses to edit an announced tender, and hides a foreign draft', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft({ status: 'tendering' }) });
      const announced = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, title: 'x' },
        }),
      );
      expect(announced.statusCode).toBe(409);
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      const foreign = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf('helse-vest'),
          pathParameters: { tenderId: ID },
          body: { version: 3, title: 'x' },
        }),
      );
      expect(foreign.statusCode).toBe(404);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    });

    it('validates the path parameter', async () => {
      const res = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf(),
          pathParameters: { tenderId: 'nope' },
          body: { version: 1, title: 'x' },
        }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json.errors[0].parameter).toBe('tenderId');
    });
  });

  describe('POST /tenders/{tenderId}/announce', () => {
    it('publishes the tender and starts its execution named after it', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      ddbMock.on(TransactWriteCommand).resolves({});
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
      const res = await invoke(
        apiEvent('POST /tenders/{tenderId}/announce', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3 },
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json.status).toBe('tendering');
      expect(res.json.executionArn).toBe(
        `arn:aws:states:eu-north-1:123456789012:execution:TenderLifecycle:${ID}`,
      );
      const put = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
      expect(put?.Item).toMatchObject({ status: 'tendering', GSI2PK: 'TENDERS#PUBLISHED' });
      expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
        stateMachineArn: STATE_MACHINE,
        name: ID,
        input: JSON.stringify({ tenderId: ID }),
      });
    });

    it('tells the officer to repeat the call when the workflow cannot start, and a repeat starts it', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      ddbMock.on(TransactWriteCommand).resolves({});
      sfnMock.on(StartExecutionCommand).rejects(new Error('throttled'));
      const first = await invoke(
        apiEvent('POST /tenders/{tenderId}/announce', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3 },
        }),
      );
      expect(first.statusCode).toBe(503);
      ddbMock.on(GetCommand).resolves({ Item: storedDraft({ status: 'tendering', version: 4 }) });
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
      const again = await invoke(
        apiEvent('POST /tenders/{tenderId}/announce', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 4 },
        }),
      );
      expect(again.statusCode).toBe(200);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    });

    it('refuses to announce a draft whose deadline is more than 100 days away: 422, pointing at the deadline and saying the limit', async () => {
      const far = new Date(Date.now() + 366 * 86_400_000);
      far.setUTCHours(12, 0, 0, 0);
      ddbMock.on(GetCommand).resolves({
        Item: storedDraft({
          bidDeadline: far.toISOString(),
          agreement: { startDate: '2029-01-01', endDate: '2030-12-31', options: [], optionNoticeDays: 90 },
        }),
      });
      const res = await invoke(
        apiEvent('POST /tenders/{tenderId}/announce', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3 },
        }),
      );
      expect(res.statusCode).toBe(422);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
      expect(res.json.type).toBe('https://helsekjop.no/problems/business-rule-violation');
      expect(res.json.errors).toEqual([
        { pointer: '#/bidDeadline', detail: expect.stringContaining('more than 100 days after now') },
      ]);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    });

    it('refuses such a deadline on the draft already, and on an extension (counted from the announcement)', async () => {
      const DAY = 86_400_000;
      const body = structuredClone(colonoscopyTender());
      body.bidDeadline = new Date(Date.now() + 200 * DAY).toISOString();
      body.agreement = { startDate: '2029-01-01', endDate: '2030-12-31', options: [] };
      const created = await invoke(apiEvent('POST /tenders', { who: officerOf(), body }));
      expect(created.statusCode).toBe(422);
      expect(created.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['#/bidDeadline']);

      const announcedAt = new Date(Date.now() - 10 * DAY).toISOString();
      ddbMock.on(GetCommand).resolves({
        Item: storedDraft({
          status: 'tendering',
          announcedAt,
          agreement: { startDate: '2029-01-01', endDate: '2030-12-31', options: [], optionNoticeDays: 90 },
        }),
      });
      const extended = await invoke(
        apiEvent('POST /tenders/{tenderId}/deadline', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, bidDeadline: new Date(Date.now() + 95 * DAY).toISOString() },
        }),
      );
      expect(extended.statusCode).toBe(422);
      expect(extended.json.errors).toEqual([
        {
          pointer: '#/bidDeadline',
          detail: expect.stringContaining(`more than 100 days after the announcement (${announcedAt})`),
        },
      ]);
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    });

    it('re-checks the rules: a draft whose deadline has passed cannot be announced', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft({ bidDeadline: '2026-01-01T12:00:00.000Z' }) });
      const res = await invoke(
        apiEvent('POST /tenders/{tenderId}/announce', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3 },
        }),
      );
      expect(res.statusCode).toBe(422);
      expect(res.json.errors[0].pointer).toBe('#/bidDeadline');
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    });
  });

  describe('POST /tenders/{tenderId}/cancel', () => {
    it("writes the bidders' notice in the cancellation's transaction, with the bidders read before it", async () => {
      ddbMock.on(GetCommand).resolves({
        Item: storedDraft({ status: 'tendering', announcedAt: '2026-11-02T10:00:00.000Z' }),
      });
      const bid = (supplierId: string, lotId: string, status: string) => ({
        PK: `TENDER#${ID}`,
        SK: `BID#${supplierId}-${lotId}`,
        id: `${supplierId}-${lotId}`,
        tenderId: ID,
        lotId,
        supplierId,
        status,
      });
      ddbMock
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `TENDER#${ID}`, ':prefix': 'BID#' } })
        .resolves({
          Items: [
            bid('falck-norge-as', 'innlandet', 'submitted'),
            bid('aleris-hamlet', 'innlandet', 'withdrawn'),
          ],
        });
      ddbMock
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `TENDER#${ID}`, ':prefix': 'TASKTOKEN#' } })
        .resolves({ Items: [] });
      ddbMock.on(TransactWriteCommand).resolves({});
      const res = await invoke(
        apiEvent('POST /tenders/{tenderId}/cancel', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, reason: 'Behovet er endret' },
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json.status).toBe('cancelled');
      expect(ddbMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items).toHaveLength(3);
      const outbox = items[2]?.Put?.Item;
      expect(outbox).toMatchObject({
        PK: `OUTBOX#tender#${ID}`,
        SK: 'SEQ#0000000004#0',
        detailType: 'Tender.Cancelled',
      });
      expect(JSON.parse(outbox?.detail)).toMatchObject({
        tenderId: ID,
        wholeTender: true,
        reason: 'Behovet er endret',
        supplierIds: ['falck-norge-as'],
      });
    });

    it('cancels a draft without a notice', async () => {
      ddbMock.on(GetCommand).resolves({ Item: storedDraft() });
      ddbMock.on(TransactWriteCommand).resolves({});
      const res = await invoke(
        apiEvent('POST /tenders/{tenderId}/cancel', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, reason: 'Feil oppsett' },
        }),
      );
      expect(res.statusCode).toBe(200);
      const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items).toHaveLength(2);
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 0);
    });
  });

  describe('a tender stored before specialties became a list', () => {
    const legacy = () => {
      const { serviceAreaIds: _s, lots, ...rest } = storedDraft();
      return {
        ...rest,
        serviceAreaId: 'koloskopi',
        lots: lots.map(({ formsOfCare: _f, ...l }) => ({ ...l, formOfCare: 'outpatient' })),
      };
    };

    it('reads as lists, in a single read and in a list', async () => {
      ddbMock.on(GetCommand).resolves({ Item: legacy() });
      const one = await invoke(
        apiEvent('GET /tenders/{tenderId}', { who: officerOf(), pathParameters: { tenderId: ID } }),
      );
      expect(one.statusCode).toBe(200);
      expect(one.json.serviceAreaIds).toEqual(['koloskopi']);
      expect(one.json).not.toHaveProperty('serviceAreaId');
      expect(one.json.lots.map((l: { formsOfCare: string[] }) => l.formsOfCare)).toEqual([
        ['outpatient'],
        ['outpatient'],
      ]);
      ddbMock.on(QueryCommand).resolves({ Items: [legacy()] });
      const list = await invoke(apiEvent('GET /tenders', { who: officerOf() }));
      expect(list.json.items[0].serviceAreaIds).toEqual(['koloskopi']);
    });

    it('is written back in the new shape by the next edit, which records the change of spelling', async () => {
      ddbMock.on(GetCommand).resolves({ Item: legacy() });
      ddbMock.on(TransactWriteCommand).resolves({});
      const res = await invoke(
        apiEvent('PATCH /tenders/{tenderId}', {
          who: officerOf(),
          pathParameters: { tenderId: ID },
          body: { version: 3, serviceAreaIds: ['koloskopi', 'somatikk'] },
        }),
      );
      expect(res.statusCode).toBe(200);
      const put = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put
        ?.Item as Record<string, unknown> & { lots: Record<string, unknown>[] };
      expect(put.serviceAreaIds).toEqual(['koloskopi', 'somatikk']);
      expect(put).not.toHaveProperty('serviceAreaId');
      expect(put.lots[0]).not.toHaveProperty('formOfCare');
    });
  });

  describe('GET /tenders', () => {
    it('queries the entity index for officers and the published index for suppliers, never scanning', async () => {
      ddbMock.on(QueryCommand).resolves({ Items: [storedDraft()] });
      const own = await invoke(apiEvent('GET /tenders', { who: officerOf(), query: { limit: '10' } }));
      expect(own.statusCode).toBe(200);
      expect(own.json.items[0]).not.toHaveProperty('PK');
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'GSI1', Limit: 10 });
      ddbMock
        .on(QueryCommand)
        .resolves({ Items: [storedDraft({ status: 'tendering', GSI2PK: 'TENDERS#PUBLISHED' })] });
      const supplier = await invoke(
        apiEvent('GET /tenders', { who: { role: 'supplier', supplier: 'aleris-hamlet' } }),
      );
      expect(supplier.json.items).toHaveLength(1);
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'GSI2' });
      expect(ddbMock).toHaveReceivedCommandTimes(ScanCommand, 0);
    });

    it('rejects a bad limit with a problem naming the parameter', async () => {
      const res = await invoke(apiEvent('GET /tenders', { who: officerOf(), query: { limit: '1000' } }));
      expect(res.statusCode).toBe(400);
      expect(res.json.errors[0].parameter).toBe('limit');
    });
  });
});
