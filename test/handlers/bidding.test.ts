/**
 * The bidding handler with DynamoDB and EventBridge mocked: sealing, lateness, receipts, questions.
 * Events go through the outbox: written in the change's transaction, never put on the bus here.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { bidIdFor } from '../../functions/domain/bid.ts';
import { handler } from '../../functions/handlers/api/bidding.ts';
import { canonicalJson, sha256 } from '../../functions/shared/canonical.ts';
import {
  apiEvent,
  colonoscopyBid,
  colonoscopyTender,
  lambdaContext,
  officerOf,
} from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const busMock = mockClient(EventBridgeClient);
const ID = 'tnd_00000000000000000000000000000003';
const SUPPLIER = { role: 'supplier' as const, supplier: 'falck-norge-as' };

const tender = (overrides: Record<string, unknown> = {}) => ({
  PK: `TENDER#${ID}`,
  SK: 'TENDER',
  id: ID,
  entityId: 'helse-sor-ost',
  status: 'tendering',
  ...colonoscopyTender(),
  currency: 'NOK',
  questionsCloseHours: 72,
  minEvaluators: 1,
  createdAt: '2026-11-01T10:00:00.000Z',
  createdBy: { sub: 'o', name: 'Kari' },
  updatedAt: '2026-11-01T10:00:00.000Z',
  announcedAt: '2026-11-02T10:00:00.000Z',
  version: 4,
  auditHead: 'c'.repeat(64),
  ...overrides,
});

const invoke = async (event: ReturnType<typeof apiEvent>) => {
  const result = await handler(event, lambdaContext());
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

const submit = (body: unknown = colonoscopyBid('innlandet', 2000)) =>
  invoke(
    apiEvent('PUT /tenders/{tenderId}/lots/{lotId}/bid', {
      who: SUPPLIER,
      pathParameters: { tenderId: ID, lotId: 'innlandet' },
      body,
    }),
  );

describe('bidding API handler', () => {
  beforeEach(() => {
    ddbMock.reset();
    busMock.reset();
    Object.assign(process.env, { TABLE_NAME: 'table', EVENT_BUS_NAME: 'bus' });
    resetEnvCache();
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  });

  it('stores a bid with its audit event (content hash only: sealed) and its receipt event in one transaction, without the tender item', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } }).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).resolves({});
    const res = await submit();
    expect(res.statusCode).toBe(201);
    const content = colonoscopyBid('innlandet', 2000);
    expect(res.json).toMatchObject({
      bidId: bidIdFor(ID, 'innlandet', 'falck-norge-as'),
      version: 1,
      status: 'submitted',
      contentSha256: sha256(canonicalJson(content)),
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // The tender item is not part of it: at a deadline every bid would contend for it.
    expect(items).toHaveLength(3);
    expect(items[0]?.Put?.Item).toMatchObject({
      SK: `BID#${res.json.bidId}`,
      prices: content.prices,
      tenderRevision: 0,
    });
    expect(items[1]?.Put?.Item?.change).toEqual({
      lotId: 'innlandet',
      supplierId: 'falck-norge-as',
      contentSha256: res.json.contentSha256,
      receivedAt: res.json.receivedAt,
    });
    // Read again after storing: the tender as checked.
    expect(ddbMock.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.SK === 'TENDER')).toHaveLength(
      2,
    );
    // The receipt event, in the outbox with the bid: the same receipt the supplier was answered.
    const outbox = items[2]?.Put?.Item;
    expect(outbox).toMatchObject({
      PK: `OUTBOX#bid#${res.json.bidId}`,
      SK: 'SEQ#0000000001#0',
      detailType: 'Tender.BidReceived',
      GSI1PK: 'OUTBOX#PENDING',
    });
    expect(JSON.parse(outbox?.detail)).toEqual({
      tenderId: ID,
      entityId: 'helse-sor-ost',
      lotId: 'innlandet',
      bidId: res.json.bidId,
      supplierId: 'falck-norge-as',
      version: res.json.version,
      receivedAt: res.json.receivedAt,
      contentSha256: res.json.contentSha256,
      eventId: outbox?.eventId,
    });
    expect(busMock).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('gives a replacing bid the next version, in its receipt event too', async () => {
    const bidId = bidIdFor(ID, 'innlandet', 'falck-norge-as');
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } }).resolves({ Item: tender() });
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: `BID#${bidId}` } }).resolves({
      Item: {
        PK: `TENDER#${ID}`,
        SK: `BID#${bidId}`,
        id: bidId,
        tenderId: ID,
        lotId: 'innlandet',
        supplierId: 'falck-norge-as',
        status: 'submitted',
        version: 2,
        auditHead: 'd'.repeat(64),
      },
    });
    ddbMock.on(TransactWriteCommand).resolves({});
    const res = await submit({ ...colonoscopyBid('innlandet', 1900), version: 2 });
    expect(res.statusCode).toBe(200);
    expect(res.json.version).toBe(3);
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[2]?.Put?.Item).toMatchObject({ SK: 'SEQ#0000000003#0', detailType: 'Tender.BidReceived' });
    expect(JSON.parse(items[2]?.Put?.Item?.detail)).toMatchObject({ version: 3, bidId });
  });

  it('refuses a bid after the deadline (server time) and writes nothing', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) });
    const res = await submit();
    expect(res.statusCode).toBe(422);
    expect(res.json.type).toContain('bid-deadline-passed');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('invalidates a bid stored while the tender changed, and says so with a 409 problem', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolvesOnce({ Item: tender() })
      .resolves({ Item: tender({ contentRevision: 1, version: 5 }) });
    ddbMock.on(TransactWriteCommand).resolves({});
    const res = await submit();
    expect(res.statusCode).toBe(409);
    expect(res.json.detail).toContain('The tender changed while your bid was stored');
    const writes = ddbMock.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(writes).toHaveLength(2);
    // The receipt was written with the bid, before the tender was read again: it is sent all the
    // same, and the invalidation tells the supplier its bid no longer counts.
    expect(writes[0]?.[2]?.Put?.Item).toMatchObject({ detailType: 'Tender.BidReceived' });
    expect(writes[1]).toHaveLength(3);
    expect(writes[1]?.[0]?.Put?.Item).toMatchObject({ status: 'invalidated', version: 2 });
    expect(writes[1]?.[1]?.Put?.Item).toMatchObject({ action: 'bid.invalidated' });
    const told = writes[1]?.[2]?.Put?.Item;
    expect(told).toMatchObject({ detailType: 'Tender.BidsInvalidated' });
    expect(JSON.parse(told?.detail)).toMatchObject({
      tenderId: ID,
      lotIds: ['innlandet'],
      supplierIds: [writes[0]?.[0]?.Put?.Item?.supplierId],
      reason: expect.stringContaining('The tender changed while your bid was stored'),
    });
    expect(busMock).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('shows officers only the number of bids per lot while sealed', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(QueryCommand).resolves({
      Items: [
        {
          id: 'b1',
          lotId: 'innlandet',
          supplierId: 's1',
          status: 'submitted',
          prices: [{ unit: 'x', unitPrice: 1 }],
        },
        { id: 'b2', lotId: 'innlandet', supplierId: 's2', status: 'withdrawn' },
      ],
    });
    const res = await invoke(
      apiEvent('GET /tenders/{tenderId}/bids', { who: officerOf(), pathParameters: { tenderId: ID } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      sealed: true,
      lots: [
        { lotId: 'innlandet', bids: 1 },
        { lotId: 'telemark-vestfold', bids: 0 },
      ],
    });
    expect(res.body).not.toContain('s1');
  });

  it('never shows suppliers who asked a question, and tells the asker which is theirs', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(QueryCommand).resolves({
      Items: [
        {
          id: 'qst_1',
          tenderId: ID,
          text: 'Parkering?',
          askedAt: '2026-11-03T10:00:00.000Z',
          askedBy: { supplierId: 'norsk-arbeidshelse-as', sub: 'ola', name: 'Ola' },
          version: 1,
        },
      ],
    });
    const res = await invoke(
      apiEvent('GET /tenders/{tenderId}/questions', { who: SUPPLIER, pathParameters: { tenderId: ID } }),
    );
    expect(res.json.items).toEqual([expect.objectContaining({ id: 'qst_1', askedByYou: false })]);
    expect(res.body).not.toContain('norsk-arbeidshelse-as');
    expect(res.body).not.toContain('Ola');
  });

  it('refuses a question once questions have closed before the deadline', async () => {
    const deadline = new Date(Date.now() + 24 * 3_600_000).toISOString(); // closes 72 h before
    ddbMock.on(GetCommand).resolves({ Item: tender({ bidDeadline: deadline }) });
    const res = await invoke(
      apiEvent('POST /tenders/{tenderId}/questions', {
        who: SUPPLIER,
        pathParameters: { tenderId: ID },
        body: { text: 'For sent?' },
      }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json.detail).toContain('Questions closed');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('reads the supplier register only for a competition reserved for non-profits, and refuses a supplier not registered as one with a 403 problem, storing nothing', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ reservedForNonProfit: true }) });
    ddbMock.on(GetCommand, { Key: { PK: 'SUPPLIER#falck-norge-as', SK: 'SUPPLIER' } }).resolves({
      Item: { PK: 'SUPPLIER#falck-norge-as', SK: 'SUPPLIER', id: 'falck-norge-as', kind: 'kommersiell' },
    });
    const refused = await submit();
    expect(refused.statusCode).toBe(403);
    expect(refused.json.detail).toContain('reserved for non-profit (ideelle) suppliers');
    expect(refused.json.detail).toContain('registered as "kommersiell"');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);

    ddbMock.on(GetCommand, { Key: { PK: 'SUPPLIER#falck-norge-as', SK: 'SUPPLIER' } }).resolves({
      Item: { PK: 'SUPPLIER#falck-norge-as', SK: 'SUPPLIER', id: 'falck-norge-as', kind: 'ideell' },
    });
    ddbMock.on(TransactWriteCommand).resolves({});
    expect((await submit()).statusCode).toBe(201);

    // An open competition does not read the register at all.
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } }).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).resolves({});
    expect((await submit()).statusCode).toBe(201);
    const keys = ddbMock.commandCalls(GetCommand).map((c) => c.args[0].input.Key?.PK);
    expect(keys).not.toContain('SUPPLIER#falck-norge-as');
  });

  it('takes a delivery site outside the hospital areas only where the lot allows it', async () => {
    const outside = {
      ...colonoscopyBid('innlandet', 2000),
      deliverySites: [{ place: 'Hamar', hospitalAreaId: 'innlandet' }, { place: 'Trondheim' }],
    };
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } }).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).resolves({});
    const refused = await submit(outside);
    expect(refused.statusCode).toBe(422);
    expect(refused.json.errors).toEqual([
      {
        pointer: '#/deliverySites/1/hospitalAreaId',
        detail: expect.stringContaining('does not allow sites outside them'),
      },
    ]);
    const free = tender();
    free.lots = free.lots.map((l) => ({ ...l, deliveryOutsideAreasAllowed: true }));
    ddbMock.on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } }).resolves({ Item: free });
    expect((await submit(outside)).statusCode).toBe(201);
  });
});
