import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../functions/commons/canonical.ts';
import { Problem } from '../../functions/commons/errors.ts';
import { decodeCursor, encodeCursor } from '../../functions/commons/pagination.ts';
import { buildAuditEvent, GENESIS_HASH, hashEvent } from '../../functions/commons/store.ts';

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
    expect(first.prevHash).toBe(GENESIS_HASH);
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
    expect(hashEvent({ ...rest, prevHash: GENESIS_HASH })).not.toBe(hash);
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
        expect(error).toBeInstanceOf(Problem);
        expect((error as Problem).status).toBe(400);
        expect((error as Problem).errors?.[0]?.parameter).toBe('cursor');
      }
    }
  });
});
