import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAuditEvent, CONFLICT_RETRY, commit, writeIfUnchanged } from '../../functions/adapters/store.ts';
import {
  AlreadyExists,
  ExtraConditionFailed,
  StoreBusy,
  VersionConflict,
} from '../../functions/adapters/store-errors.ts';
import { outboxEvent } from '../../functions/contracts/outbox.ts';
import { GENESIS, hashEvent, recomputeHash, verifyChain } from '../../functions/domain/audit.ts';
import { Problem } from '../../functions/http/errors.ts';
import { asProblem } from '../../functions/http/http.ts';
import { decodeCursor, encodeCursor } from '../../functions/services/store/query.ts';
import { canonicalJson } from '../../functions/shared/canonical.ts';

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined, so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":1,"f":2}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('audit events', () => {
  const base = {
    aggregateType: 'tender',
    aggregateId: 't1',
    actor: { sub: 'u1', name: 'Kari', role: 'officer' },
    entityId: 'helse-sor-ost',
    action: 'tender.created',
    change: { title: 'Koloskopi' },
  };

  it('starts a chain at the genesis hash with sequence 1', () => {
    const first = buildAuditEvent(base, undefined, '2026-11-23T10:00:00.000Z');
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('links each event to the one before and detects any edit', () => {
    const first = buildAuditEvent(base, undefined, '2026-11-23T10:00:00.000Z');
    const second = buildAuditEvent(
      { ...base, action: 'tender.updated', change: { title: 'Koloskopi 2' } },
      { PK: '', SK: '', version: 1, auditHead: first.hash },
      '2026-11-23T11:00:00.000Z',
    );
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    const { hash, ...rest } = second;
    expect(hashEvent(rest)).toBe(hash);
    expect(hashEvent({ ...rest, change: { title: 'Koloskopi 3' } })).not.toBe(hash);
    expect(hashEvent({ ...rest, prevHash: GENESIS })).not.toBe(hash);
  });
});

describe('the one hash of an event', () => {
  const base = {
    aggregateType: 'tender',
    aggregateId: 't1',
    actor: { sub: 'u1', name: 'Kari', role: 'officer' },
    entityId: 'helse-sor-ost',
    action: 'tender.created',
    change: { title: 'Koloskopi', lots: [{ id: 'l1', b: 2, a: 1 }] },
  };
  const first = buildAuditEvent(base, undefined, '2026-11-23T10:00:00.000Z');
  const second = buildAuditEvent(
    { ...base, action: 'tender.changed', reason: 'Why', executionArn: 'arn:x', change: null },
    { PK: '', SK: '', version: 1, auditHead: first.hash },
    '2026-11-23T11:00:00.000Z',
  );
  const stored = {
    PK: 'AUDIT#tender#t1',
    SK: 'SEQ#0000000002',
    GSI1PK: 'ENTITY#helse-sor-ost#AUDIT',
    GSI1SK: 'x',
    GSI2PK: 'HISTORY#TENDER#t1',
    GSI2SK: 'y',
    itemPK: 'TENDER#t1',
    itemSK: 'TENDER',
    ...second,
  };

  it('is what it always was: chains written before still verify', () => {
    expect(first.hash).toBe('054e235682fb913ad60a1b528c43dfc4a5fef5030e01db15849a68f738d83cfb');
    expect(second.hash).toBe('fd446a97096bb965e6f1cb98b02da5c18b2e17b7d2653076b8718974646f9c79');
  });

  it('is the same when the verifier recomputes it from the stored item', () => {
    expect(recomputeHash(stored)).toBe(second.hash);
    expect(verifyChain([{ ...first, SK: 'SEQ#0000000001' }, stored])).toEqual([]);
    expect(recomputeHash({ ...stored, change: { title: 'edited' } })).not.toBe(second.hash);
  });
});

describe('cursors', () => {
  const key = { PK: 'TENDER#1', SK: 'TENDER', GSI1PK: 'ENTITY#helse-sor-ost#TENDERS', GSI1SK: '2026#1' };

  it('round-trips the last evaluated key', () => {
    expect(decodeCursor(encodeCursor(key), { GSI1PK: key.GSI1PK })).toEqual(key);
  });

  it("rejects a cursor of another tenant's list or garbage with a 400 on the cursor parameter", () => {
    const foreign = encodeCursor({ ...key, GSI1PK: 'ENTITY#helse-vest#TENDERS' });
    for (const bad of [
      foreign,
      'not-base64-json',
      encodeCursor({ GSI1PK: key.GSI1PK, x: { nested: true } }),
    ]) {
      try {
        decodeCursor(bad, { GSI1PK: key.GSI1PK });
        expect.unreachable();
      } catch (error) {
        const problem = asProblem(error);
        expect(problem).toBeInstanceOf(Problem);
        expect(problem?.status).toBe(400);
        expect(problem?.errors?.[0]?.parameter).toBe('cursor');
      }
    }
  });
});

describe('store conflicts', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });
  const input = (before?: { version: number }) => ({
    aggregate: { type: 'tender', id: 't1' },
    entityId: 'helse-sor-ost',
    before: before ? { PK: 'TENDER#t1', SK: 'TENDER', version: before.version, auditHead: 'a' } : undefined,
    after: { PK: 'TENDER#t1', SK: 'TENDER' },
    actor: { sub: 'u1', name: 'Kari', role: 'officer' as const, entityId: 'helse-sor-ost' },
    action: 'tender.updated',
    change: null,
  });

  beforeEach(() => {
    ddbMock.reset();
    process.env.TABLE_NAME = 'table';
  });

  it('raises typed errors, not HTTP problems: VersionConflict, AlreadyExists, ExtraConditionFailed', async () => {
    ddbMock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    await expect(commit(input({ version: 3 }))).rejects.toBeInstanceOf(VersionConflict);
    await expect(commit(input())).rejects.toBeInstanceOf(AlreadyExists);
    ddbMock.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed'));
    await expect(commit(input())).rejects.toMatchObject({ index: 0 });
    await expect(commit(input())).rejects.toBeInstanceOf(ExtraConditionFailed);
    ddbMock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    await expect(writeIfUnchanged({ PK: 'TENDER#t1', SK: 'TENDER', version: 2 }, [])).rejects.toBeInstanceOf(
      VersionConflict,
    );
  });

  it("writes the change's domain events in its transaction, after everything with a condition, with stable ids", async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    await commit({
      ...input({ version: 3 }),
      events: [
        outboxEvent('Tender.Cancelled', {
          tenderId: 't1',
          entityId: 'helse-sor-ost',
          title: 'Koloskopi',
          reason: 'no need',
          wholeTender: true,
          lotIds: [],
          supplierIds: [],
        }),
      ],
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[2]?.Put).not.toHaveProperty('ConditionExpression');
    expect(items[2]?.Put?.Item).toMatchObject({
      PK: 'OUTBOX#tender#t1',
      SK: 'SEQ#0000000004#0',
      eventId: 'tender.t1.4.0',
      detailType: 'Tender.Cancelled',
      GSI1PK: 'OUTBOX#PENDING',
    });
    expect(JSON.parse(items[2]?.Put?.Item?.detail)).toMatchObject({
      tenderId: 't1',
      eventId: 'tender.t1.4.0',
    });
    // A detail its schema refuses fails the change, before anything is written.
    await expect(
      commit({
        ...input({ version: 3 }),
        events: [{ detailType: 'Tender.Cancelled', detail: { tenderId: 1 } } as never],
      }),
    ).rejects.toThrow();
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('dates the audit event with the time the caller stamped the aggregate with, when it gives one', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    const { event } = await commit({ ...input(), at: '2027-03-01T00:00:00.000Z' });
    expect(event.at).toBe('2027-03-01T00:00:00.000Z');
    const audit = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Put?.Item;
    expect(audit?.GSI1SK).toMatch(/^2027-03-01T00:00:00.000Z#tender#t1#/);
  });

  it('leaves other failures as they are', async () => {
    ddbMock.on(TransactWriteCommand).rejects(cancelled('ThrottlingError', 'None'));
    await expect(commit(input({ version: 3 }))).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  describe('a transaction that meets a concurrent one (TransactionConflict)', () => {
    beforeEach(() => {
      vi.spyOn(Math, 'random').mockReturnValue(0); // no pause between attempts
      // Between attempts the store reads the aggregate: still at the version it was read at.
      ddbMock.on(GetCommand).resolves({ Item: { PK: 'TENDER#t1', SK: 'TENDER', version: 3 } });
    });
    afterEach(() => vi.restoreAllMocks());

    it('is sent again, the same, until it gets through', async () => {
      ddbMock
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled('None', 'TransactionConflict'))
        .rejectsOnce(cancelled('TransactionConflict', 'None'))
        .resolves({});
      const { event } = await commit(input({ version: 3 }));
      expect(event.seq).toBe(4);
      const sent = ddbMock.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);
      expect(sent).toHaveLength(3);
      expect(sent[2]).toEqual(sent[0]);
    });

    it('ends as StoreBusy after every attempt, which the HTTP edge answers 503 with Retry-After', async () => {
      ddbMock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
      const error = await commit(input({ version: 3 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreBusy);
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(CONFLICT_RETRY.attempts);
      expect(asProblem(error)?.status).toBe(503);
    });

    it('is not retried when a condition failed too: that is a conflict of versions', async () => {
      ddbMock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'TransactionConflict'));
      await expect(commit(input({ version: 3 }))).rejects.toBeInstanceOf(VersionConflict);
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    });

    it('stops at once with VersionConflict when another writer won meanwhile', async () => {
      ddbMock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
      ddbMock.on(GetCommand).resolves({ Item: { PK: 'TENDER#t1', SK: 'TENDER', version: 4 } });
      await expect(commit(input({ version: 3 }))).rejects.toBeInstanceOf(VersionConflict);
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
      expect(ddbMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        Key: { PK: 'TENDER#t1', SK: 'TENDER' },
        ConsistentRead: true,
      });
    });

    it('waits a random, growing, capped pause between attempts (full jitter)', async () => {
      vi.mocked(Math.random).mockReturnValue(0.999);
      ddbMock
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled('TransactionConflict'))
        .rejectsOnce(cancelled('TransactionConflict'))
        .resolves({});
      const pauses: number[] = [];
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      setTimeoutSpy.mockImplementation(((fn: () => void, ms: number) => {
        pauses.push(ms);
        fn();
        return 0;
      }) as never);
      await writeIfUnchanged({ PK: 'TENDER#t1', SK: 'TENDER', version: 3 }, []);
      // Random in [0, min(cap, base·2^attempt)): 15·2 and 15·4 ms here, never the cap of a second.
      expect(pauses.map(Math.round)).toEqual([30, 60]);
    });
  });
});
