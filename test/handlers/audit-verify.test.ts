/**
 * GET /audit/verify?tenderId= on a tender that is being written while it is verified: the workflow
 * (or a bid) commits between the verification's read of the tender item and its read of the
 * tender's chain. The verification answered `ok: false` with an aggregate-mismatch, a false alarm
 * (test/e2e/hostile-input.test.ts met it under CI's load, verifying right after the award while the
 * workflow published it). A tender item rolled back to an earlier version is still reported.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { GENESIS, hashEvent } from '../../functions/domain/audit.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { completeContent } from '../../functions/domain/tender.ts';
import { handler } from '../../functions/handlers/api/audit.ts';
import { createTenderBody } from '../../functions/http/routes/tenders.routes.ts';
import { auditChain } from '../helpers/audit-chain.ts';
import { apiEvent, colonoscopyTender, lambdaContext } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
const ID = 'tnd_00000000000000000000000000000007';
const PK = `TENDER#${ID}`;

/** The tender's chain as the store writes it: created, then changed twice. */
const chain = auditChain('tender', ID, 3, { GSI2PK: `HISTORY#${PK}`, itemPK: PK, itemSK: 'TENDER' });
const tenderAt = (version: number) => ({
  PK,
  SK: 'TENDER',
  id: ID,
  entityId: 'helse-sor-ost',
  status: 'evaluation',
  ...completeContent(createTenderBody.parse(colonoscopyTender()), 'helse-sor-ost', referenceLookups),
  currency: 'NOK',
  createdAt: '2026-11-24T10:00:01.000Z',
  createdBy: { sub: 'kari', name: 'Kari Nordmann' },
  updatedAt: '2026-11-24T10:00:03.000Z',
  version,
  auditHead: chain[version - 1]?.hash,
});
const state = (version: number) => ({ PK, SK: 'TENDER', version, auditHead: chain[version - 1]?.hash });

const verify = async () => {
  const result = await handler(
    apiEvent('GET /audit/verify', {
      who: { role: 'auditor', entity: 'helse-sor-ost' },
      query: { tenderId: ID },
    }),
    lambdaContext(),
  );
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
};

describe('verifying a tender while it is written', () => {
  beforeEach(() => {
    ddbMock.reset();
    s3Mock.reset();
    Object.assign(process.env, { TABLE_NAME: 'table', DIGEST_BUCKET: 'digests', SIGNING_KEY_ID: 'key' });
    resetEnvCache();
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    ddbMock.on(GetCommand).resolves({ Item: tenderAt(3) });
    // The history index, read first, names events 1 and 2; event 3 is committed right after.
    ddbMock
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `HISTORY#${PK}` } })
      .resolves({ Items: chain.slice(0, 2) })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': PK } })
      .resolves({ Items: [state(2)] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `AUDIT#tender#${ID}` } })
      .resolves({ Items: chain });
  });

  it('reads the item and its chain again when a change landed between the two reads, and finds nothing', async () => {
    // The item read at version 2, the chain after it at 3: the commit landed in between.
    ddbMock
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { table: [state(2)] } })
      .resolves({ Responses: { table: [state(3)] } });
    const { status, body } = await verify();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, findings: [] });
  });

  it('reads the history again for an aggregate made while the tender was read, before reporting it without events', async () => {
    // A bid stored at the deadline: its item is in the partition, its event not yet in the history
    // index (it lags a write by a moment) when the index is read the first time.
    const unhashed = {
      aggregateType: 'bid',
      aggregateId: 'bid_1',
      seq: 1,
      prevHash: GENESIS,
      at: '2026-11-24T10:00:04.000Z',
      actor: { sub: 'falck', name: 'Falck', role: 'supplier' },
      entityId: 'helse-sor-ost',
      action: 'bid.submitted',
      change: {},
    };
    const bidEvent = {
      PK: 'AUDIT#bid#bid_1',
      SK: 'SEQ#0000000001',
      GSI2PK: `HISTORY#${PK}`,
      itemPK: PK,
      itemSK: 'BID#bid_1',
      ...unhashed,
      hash: hashEvent(unhashed),
    };
    const bid = { PK, SK: 'BID#bid_1', version: 1, auditHead: bidEvent.hash };
    ddbMock
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `HISTORY#${PK}` } })
      .resolvesOnce({ Items: chain })
      .resolves({ Items: [...chain, bidEvent] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': PK } })
      .resolves({ Items: [state(3), bid] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'AUDIT#bid#bid_1' } })
      .resolves({ Items: [bidEvent] });
    ddbMock.on(BatchGetCommand).resolves({ Responses: { table: [state(3), bid] } });
    const { body } = await verify();
    expect(body).toMatchObject({ ok: true, findings: [], aggregates: 2 });
  });

  it('still reports a tender item rolled back to an earlier version', async () => {
    ddbMock.on(BatchGetCommand).resolves({ Responses: { table: [state(2)] } });
    const { body } = await verify();
    expect(body.ok).toBe(false);
    expect(body.findings).toEqual([
      expect.objectContaining({ kind: 'aggregate-mismatch', aggregate: `tender ${ID}`, seq: 3 }),
    ]);
  });
});
