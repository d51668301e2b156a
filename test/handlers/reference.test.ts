/** The reference-data handler with DynamoDB mocked: reads, supplier writes and their audit events. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
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
import { handler } from '../../functions/handlers/api/reference.ts';
import { apiEvent, lambdaContext, officerOf } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);

const invoke = async (event: ReturnType<typeof apiEvent>) => {
  const result = await handler(event, lambdaContext());
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

const storedSupplier = (overrides: Record<string, unknown> = {}) => ({
  PK: 'SUPPLIER#falck-norge-as',
  SK: 'SUPPLIER',
  GSI1PK: 'SUPPLIERS',
  GSI1SK: 'falck norge as#falck-norge-as',
  id: 'falck-norge-as',
  name: 'Falck Norge AS',
  country: 'NO',
  kind: 'unknown',
  deliverySites: [{ hospitalAreaId: 'oslo', place: 'Oslo' }],
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  version: 2,
  auditHead: 'b'.repeat(64),
  ...overrides,
});

const supplierRole = { role: 'supplier' as const, supplier: 'falck-norge-as' };

describe('reference API handler', () => {
  beforeEach(() => {
    ddbMock.reset();
    process.env.TABLE_NAME = 'table';
    // The entities' own reference data (services/store/reference.ts): none.
    ddbMock.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFERENCE' } }).resolves({ Items: [] });
    resetEnvCache();
  });

  it("lists the hospital areas of one entity, the release's and its own, for any signed-in user", async () => {
    const own = (id: string, entityId: string) => ({
      PK: 'REFERENCE',
      SK: `hospital-area#${id}`,
      kind: 'hospital-area',
      id,
      entityId,
      name: id,
      createdAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-20T10:00:00.000Z',
      version: 1,
      auditHead: 'x',
    });
    ddbMock
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFERENCE' } })
      .resolves({ Items: [own('hedmarken', 'helse-sor-ost'), own('bergen', 'helse-vest')] });
    const res = await invoke(
      apiEvent('GET /reference/hospital-areas', { who: supplierRole, query: { entity: 'helse-sor-ost' } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json.items.map((a: { id: string }) => a.id)).toEqual([
      'ostfold',
      'akershus',
      'innlandet',
      'oslo',
      'vestre-viken',
      'telemark-vestfold',
      'sorlandet',
      'hedmarken',
    ]);
    expect(res.json.items.at(-1)).toEqual({
      id: 'hedmarken',
      name: 'hedmarken',
      managed: true,
      entityId: 'helse-sor-ost',
      createdAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-20T10:00:00.000Z',
      version: 1,
    });
    // One consistent read of the small partition of the entities' own reference data, nothing else.
    expect(ddbMock.calls()).toHaveLength(1);
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, { ConsistentRead: true });
  });

  it('rejects an unknown query parameter with a problem that names it', async () => {
    const res = await invoke(
      apiEvent('GET /reference/hospital-areas', { who: officerOf(), query: { entiti: 'helse-vest' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json.errors).toEqual([expect.objectContaining({ parameter: 'entiti' })]);
  });

  it('refuses a query parameter on a route that takes none, rather than ignore it', async () => {
    // Before, GET /reference/service-areas?entityId=helse-vest answered every entity's, as if filtered.
    const res = await invoke(
      apiEvent('GET /reference/service-areas', { who: officerOf(), query: { entityId: 'helse-vest' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.errors).toEqual([
      { parameter: 'entityId', detail: 'Unknown field "entityId" is not allowed' },
    ]);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('pages suppliers from the name index, never by Scan, and hands back an opaque cursor', async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [storedSupplier()],
      LastEvaluatedKey: { PK: 'SUPPLIER#falck-norge-as', SK: 'SUPPLIER', GSI1PK: 'SUPPLIERS', GSI1SK: 'x' },
    });
    const res = await invoke(
      apiEvent('GET /reference/suppliers', { who: officerOf(), query: { limit: '1' } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json.items).toEqual([expect.objectContaining({ id: 'falck-norge-as', version: 2 })]);
    expect(res.json.items[0]).not.toHaveProperty('PK');
    expect(res.json.items[0]).not.toHaveProperty('auditHead');
    expect(typeof res.json.nextCursor).toBe('string');
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'GSI1', Limit: 1 });
    expect(ddbMock.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('answers 404 with a problem body for a supplier that does not exist', async () => {
    ddbMock.on(GetCommand).resolves({});
    const res = await invoke(
      apiEvent('GET /reference/suppliers/{supplierId}', {
        who: officerOf(),
        pathParameters: { supplierId: 'nobody-as' },
      }),
    );
    expect(res.statusCode).toBe(404);
    expect(res.json).toMatchObject({
      status: 404,
      title: expect.any(String),
      detail: expect.stringContaining('nobody-as'),
    });
  });

  it('registers a supplier with its audit event in one transaction, the supplier only if new', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    const res = await invoke(
      apiEvent('POST /reference/suppliers', {
        who: officerOf(),
        body: {
          name: 'Aleris Helse AS',
          organisationNumber: '974221136',
          country: 'NO',
          kind: 'kommersiell',
          deliverySites: [{ hospitalAreaId: 'oslo', place: 'Oslo' }],
        },
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json).toMatchObject({ id: 'aleris-helse-as', version: 1 });
    expect(res.headers?.location).toBe('/reference/suppliers/aleris-helse-as');
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Put).toMatchObject({
      Item: expect.objectContaining({ PK: 'SUPPLIER#aleris-helse-as', version: 1 }),
      ConditionExpression: expect.stringContaining('attribute_not_exists'),
    });
    expect(items[1]?.Put?.Item).toMatchObject({
      action: 'supplier.created',
      actor: expect.objectContaining({ sub: 'officer-helse-sor-ost', role: 'officer' }),
    });
  });

  it('refuses a supplier user registering suppliers (403), without touching the table', async () => {
    const res = await invoke(
      apiEvent('POST /reference/suppliers', {
        who: supplierRole,
        body: { name: 'X AS', country: 'NO', kind: 'unknown', deliverySites: [] },
      }),
    );
    expect(res.statusCode).toBe(403);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  it('points at the broken field: a Norwegian organisation number with a wrong check digit', async () => {
    const res = await invoke(
      apiEvent('POST /reference/suppliers', {
        who: officerOf(),
        body: {
          name: 'X AS',
          organisationNumber: '974221137',
          country: 'NO',
          kind: 'unknown',
          deliverySites: [],
        },
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '#/organisationNumber' })]);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 409 when the supplier changed since the version the officer read', async () => {
    ddbMock.on(GetCommand).resolves({ Item: storedSupplier() });
    ddbMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const res = await invoke(
      apiEvent('PATCH /reference/suppliers/{supplierId}', {
        who: officerOf(),
        pathParameters: { supplierId: 'falck-norge-as' },
        body: { version: 2, kind: 'kommersiell' },
      }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json.status).toBe(409);
    const update = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0];
    expect(update?.Put?.ConditionExpression ?? update?.Update?.ConditionExpression).toContain('version');
  });
});
