/**
 * The hourly check of notices awaiting publication (functions/handlers/events/notice-watcher.ts)
 * with DynamoDB and Secrets Manager mocked (aws-sdk-client-mock) and Doffin's answers stubbed: a
 * publication is one commit (the notice leaves the index of notices awaiting publication, an audit
 * event by the check), a notice Doffin has not published yet is left as it is, and Doffin being
 * unavailable stops the run for the next hour instead of failing every notice.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDoffinPort } from '../../functions/adapters/doffin.ts';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { noticeIdFor } from '../../functions/domain/eforms/publication.ts';
import { checkAwaitingNotices } from '../../functions/handlers/events/notice-watcher.ts';
import { AWAITING_PARTITION, noticeItem } from '../../functions/services/store/notices.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const secrets = mockClient(SecretsManagerClient);
const fetchMock = vi.fn<typeof fetch>();
const realFetch = globalThis.fetch;

const awaiting = (tenderId: string) => ({
  ...noticeItem({
    noticeId: noticeIdFor(tenderId, 'award'),
    tenderId,
    entityId: 'helse-sor-ost',
    stage: 'award',
    subtype: '33',
    versions: [
      {
        version: 1,
        status: 'accepted',
        contentHash: 'h',
        tenderVersion: 9,
        submittedAt: '2026-11-23T10:00:00.000Z',
        submittedBy: { sub: 'kari', name: 'Kari' },
        messages: [],
      },
    ],
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
  }),
  version: 1,
  auditHead: 'a'.repeat(64),
});
const wire = (noticeId: string, status: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ noticeId, noticeVersion: '01', status, ...extra }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

beforeEach(() => {
  ddb.reset();
  secrets.reset();
  fetchMock.mockReset();
  globalThis.fetch = fetchMock;
  Object.assign(process.env, {
    TABLE_NAME: 'table',
    DOFFIN_SECRET_ARN: 'arn:aws:secretsmanager:eu-north-1:111122223333:secret:doffin-AbCdEf',
  });
  resetEnvCache();
  resetDoffinPort();
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ baseUrl: 'https://doffin.example.test/', subscriptionKey: 'k' }),
  });
  ddb.on(TransactWriteCommand).resolves({});
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('the hourly check of notices awaiting publication', () => {
  it('records a publication in one commit: out of the index, audited as the check, and leaves an unpublished one', async () => {
    const [published, waiting] = [awaiting('tnd_1'), awaiting('tnd_2')];
    ddb.on(QueryCommand).resolves({ Items: [published, waiting] });
    fetchMock
      .mockResolvedValueOnce(
        wire(published.noticeId, 'PUBLISHED', {
          doffinId: '2026-100001',
          publicationDate: '2026-11-23T10:01:00.000Z',
        }),
      )
      .mockResolvedValueOnce(wire(waiting.noticeId, 'ACCEPTED'));
    const run = await checkAwaitingNotices();
    expect(run).toMatchObject({
      asked: 2,
      changed: [{ noticeId: published.noticeId, status: 'published', publicationId: '2026-100001' }],
      failed: 0,
      more: true,
    });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'GSI2',
      ExpressionAttributeValues: { ':pk': AWAITING_PARTITION },
    });
    const writes = ddb.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const items = writes[0]?.args[0].input.TransactItems ?? [];
    const notice = items.map((i) => i.Put?.Item).find((i) => i?.SK === `NOTICE#${published.noticeId}`);
    expect(notice).toMatchObject({
      version: 2,
      versions: [{ status: 'published', publicationId: '2026-100001' }],
    });
    expect(notice).not.toHaveProperty('GSI2PK');
    const audit = items.map((i) => i.Put?.Item).find((i) => String(i?.PK).startsWith('AUDIT#notice#'));
    expect(audit).toMatchObject({
      action: 'notice.published',
      actor: { sub: 'system', name: 'notice publication check', role: 'system' },
      reason: 'Doffin said so at the hourly check',
    });
  });

  it('stops when Doffin is unavailable, and asks again the next hour', async () => {
    ddb.on(QueryCommand).resolves({ Items: [awaiting('tnd_1'), awaiting('tnd_2'), awaiting('tnd_3')] });
    fetchMock.mockResolvedValue(new Response('busy', { status: 503 }));
    const run = await checkAwaitingNotices();
    expect(run).toMatchObject({ asked: 1, changed: [], failed: 0, more: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
