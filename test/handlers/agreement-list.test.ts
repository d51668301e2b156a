/**
 * GET /agreements with filters, DynamoDB mocked: the index is queried (never scanned) with a
 * FilterExpression on the plain attributes, the domain's predicate decides, and the cursor is right
 * where a page ends: after its last match, or where reading stopped when the budget ran out.
 */
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { handler } from '../../functions/handlers/api/agreements.ts';
import { MAX_EXAMINED } from '../../functions/services/store/agreements.ts';
import { apiEvent, lambdaContext, officerOf } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);

const invoke = async (event: ReturnType<typeof apiEvent>) => {
  const result = await handler(event, lambdaContext());
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

const stored = (n: number, overrides: Record<string, unknown> = {}) => ({
  PK: `AGREEMENT#agr_${String(n).padStart(32, '0')}`,
  SK: 'AGREEMENT',
  GSI1PK: 'ENTITY#helse-sor-ost#AGREEMENTS',
  GSI1SK: `2026-11-0${n}T10:00:00.000Z#agr_${String(n).padStart(32, '0')}`,
  GSI2PK: 'SUPPLIER#falck-norge-as#AGREEMENTS',
  GSI2SK: `2026-11-0${n}T10:00:00.000Z#agr_${String(n).padStart(32, '0')}`,
  id: `agr_${String(n).padStart(32, '0')}`,
  entityId: 'helse-sor-ost',
  tenderTitle: 'Koloskopi',
  lotId: 'innlandet',
  lotTitle: 'Innlandet',
  supplierId: 'falck-norge-as',
  serviceAreaId: 'koloskopi',
  formOfCare: 'outpatient',
  hospitalAreaIds: ['innlandet'],
  currency: 'NOK',
  startDate: '2025-01-01',
  endDate: '2029-12-31',
  options: [],
  optionNoticeDays: 90,
  prices: [],
  volumes: [],
  deliverySites: [],
  nonExclusive: true,
  minimumPurchase: 'none',
  status: 'active',
  createdAt: `2026-11-0${n}T10:00:00.000Z`,
  version: 1,
  auditHead: 'a'.repeat(64),
  ...overrides,
});

const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

describe('GET /agreements with filters', () => {
  beforeEach(() => {
    ddbMock.reset();
    process.env.TABLE_NAME = 'table';
    resetEnvCache();
  });

  it('queries the index with a FilterExpression and ends the page right after its last match', async () => {
    ddbMock
      .on(QueryCommand)
      .resolves({ Items: [stored(3), stored(2), stored(1)], LastEvaluatedKey: undefined });
    const res = await invoke(
      apiEvent('GET /agreements', {
        who: officerOf(),
        query: { limit: '2', status: 'active', hospitalAreaId: 'innlandet', supplierId: 'falck-norge-as' },
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json.items.map((a: { id: string }) => a.id)).toEqual([stored(3).id, stored(2).id]);
    expect(decode(res.json.nextCursor)).toEqual({
      PK: stored(2).PK,
      SK: 'AGREEMENT',
      GSI1PK: stored(2).GSI1PK,
      GSI1SK: stored(2).GSI1SK,
    });
    expect(ddbMock).not.toHaveReceivedCommand(ScanCommand);
    const input = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      IndexName: 'GSI1',
      ScanIndexForward: false,
      FilterExpression:
        '#status = :status AND #supplierId = :supplierId AND contains(#hospitalAreaIds, :hospitalAreaId)',
      ExpressionAttributeValues: expect.objectContaining({
        ':pk': 'ENTITY#helse-sor-ost#AGREEMENTS',
        ':status': 'active',
      }),
    });
  });

  it('answers a short page, with the cursor where reading stopped, once it has read its budget', async () => {
    // Nothing matches the computed filter: every page read is filtered out in the domain.
    let n = 0;
    ddbMock.on(QueryCommand).callsFake(() => {
      n++;
      return {
        Items: [stored(1, { endDate: '2029-12-31' })],
        LastEvaluatedKey: {
          PK: 'x',
          SK: `k${n}`,
          GSI1PK: 'ENTITY#helse-sor-ost#AGREEMENTS',
          GSI1SK: `s${n}`,
        },
      };
    });
    const res = await invoke(
      apiEvent('GET /agreements', { who: officerOf(), query: { endDateBefore: '2027-01-01', limit: '25' } }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json.items).toEqual([]);
    expect(decode(res.json.nextCursor)).toMatchObject({ SK: `k${n}`, GSI1SK: `s${n}` });
    const limits = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input.Limit as number);
    expect(limits.reduce((s, l) => s + l, 0)).toBe(MAX_EXAMINED);
    // The cursor continues from there: the next request starts at that key.
    ddbMock.reset();
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    const next = await invoke(
      apiEvent('GET /agreements', {
        who: officerOf(),
        query: { endDateBefore: '2027-01-01', cursor: res.json.nextCursor },
      }),
    );
    expect(next.statusCode).toBe(200);
    expect(next.json).toEqual({ items: [] });
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toMatchObject({
      SK: `k${n}`,
    });
  });

  it("refuses another partition's cursor with a 400 naming the cursor", async () => {
    const foreign = Buffer.from(
      JSON.stringify({ GSI1PK: 'ENTITY#helse-vest#AGREEMENTS', GSI1SK: 'x' }),
    ).toString('base64url');
    const res = await invoke(apiEvent('GET /agreements', { who: officerOf(), query: { cursor: foreign } }));
    expect(res.statusCode).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ parameter: 'cursor' })]);
  });
});
