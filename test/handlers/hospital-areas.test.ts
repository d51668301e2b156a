/**
 * GET /reference/hospital-areas names its filter `entityId`, as every other route names a procuring
 * entity; `entity`, its older spelling, keeps working (deprecated in the OpenAPI document).
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { handler } from '../../functions/handlers/api/reference.ts';
import { apiEvent, lambdaContext, officerOf } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);

const areasOf = async (query?: Record<string, string>) => {
  const result = await handler(
    apiEvent('GET /reference/hospital-areas', { who: officerOf(), ...(query ? { query } : {}) }),
    lambdaContext(),
  );
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
};
const ids = (json: { items: { id: string }[] }) => json.items.map((a) => a.id);

describe('GET /reference/hospital-areas: entityId, and entity as its deprecated alias', () => {
  beforeEach(() => {
    ddbMock.reset();
    process.env.TABLE_NAME = 'table';
    // The entities' own reference data (services/store/reference.ts): none.
    ddbMock.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFERENCE' } }).resolves({ Items: [] });
    resetEnvCache();
  });

  it('filters by entityId', async () => {
    const res = await areasOf({ entityId: 'region-sjaelland' });
    expect(res.status).toBe(200);
    expect(ids(res.json)).toEqual(['region-sjaelland-region']);
  });

  it('still filters by entity, the older spelling, the same way', async () => {
    const byAlias = await areasOf({ entity: 'helse-sor-ost' });
    const byName = await areasOf({ entityId: 'helse-sor-ost' });
    expect(byAlias.status).toBe(200);
    expect(ids(byAlias.json)).toEqual(ids(byName.json));
    expect(ids(byAlias.json)).toContain('telemark-vestfold');
    expect(byAlias.json.items.every((a: { entityId: string }) => a.entityId === 'helse-sor-ost')).toBe(true);
  });

  it('accepts both when they agree', async () => {
    const res = await areasOf({ entityId: 'helse-vest', entity: 'helse-vest' });
    expect(res.status).toBe(200);
    expect(ids(res.json)).toEqual(['helse-vest-region']);
  });

  it('refuses both naming different entities with a problem that points at entity', async () => {
    const res = await areasOf({ entityId: 'helse-vest', entity: 'helse-sor-ost' });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ parameter: 'entity' })]);
  });

  it("lists every entity's areas without either", async () => {
    const res = await areasOf();
    expect(res.status).toBe(200);
    expect(ids(res.json)).toEqual(
      expect.arrayContaining(['oslo', 'helse-vest-region', 'region-sjaelland-region']),
    );
  });
});
