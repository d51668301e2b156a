/**
 * The audit trail end to end: verification of the chains after a real tender's life, then stored
 * items altered directly in DynamoDB Local (an edit, a deletion, a swap, a change without its
 * event) and caught; the merged history with filters and CSV; bid reads audited.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { storedChain } from '../support/audit-trail.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;
let flow: TenderFlow;
let bidId: string;
/** The stack's table in the run's DynamoDB Local. */
let TABLE: string;

beforeAll(async () => {
  stack = await startTestStack();
  TABLE = stack.runtime.tableName;
  who = await actorsOf(stack);
  flow = await TenderFlow.announce(stack, who);
  const bid = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
  bidId = bid.body.bidId;
  await flow.passDeadline();
  await flow.qualify(bidId, true);
  await flow.score(bidId, 7, 8);
});
afterAll(() => stack?.stop());

const verify = async (query = `?tenderId=${flow.id}`, token = who.auditor) =>
  (await stack.request('GET', `/audit/verify${query}`, { token })).body;

const chain = (type: string, id: string) => storedChain(TABLE, type, id);

describe('audit verification', () => {
  it('finds every chain of a tender intact after its life so far, and the entity as a whole', async () => {
    const result = await verify();
    expect(result).toMatchObject({ ok: true, findings: [] });
    expect(result.aggregates).toBeGreaterThanOrEqual(4); // tender, bid, score, bid reads
    expect(result.events).toBeGreaterThan(5);
    expect(await verify('')).toMatchObject({ ok: true, scope: 'entity helse-sor-ost' });
  });

  it('reports an edited event, with the aggregate and the sequence number', async () => {
    const events = await chain('tender', flow.id);
    const second = events[1] as { PK: string; SK: string };
    await ddb().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { PK: second.PK, SK: second.SK },
        UpdateExpression: 'SET #a = :a',
        ExpressionAttributeNames: { '#a': 'action' },
        ExpressionAttributeValues: { ':a': 'tender.nothing-to-see' },
      }),
    );
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'edited', aggregate: `tender ${flow.id}`, seq: 2 }),
    ]);
  });

  it('reports a deleted event as a gap, and a swap of two events as reordered', async () => {
    const events = await chain('bid', bidId);
    expect(events.length).toBeGreaterThanOrEqual(2);
    const [first, second] = events as { PK: string; SK: string }[];
    // Swap: each stored where the other was.
    await ddb().send(new PutCommand({ TableName: TABLE, Item: { ...second, SK: first?.SK } }));
    await ddb().send(new PutCommand({ TableName: TABLE, Item: { ...first, SK: second?.SK } }));
    const swapped = await verify();
    expect(
      swapped.findings
        .filter((f: { aggregate: string }) => f.aggregate === `bid ${bidId}`)
        .map((f: { kind: string }) => f.kind),
    ).toContain('reordered');
    // Restore, then delete the first.
    await ddb().send(new PutCommand({ TableName: TABLE, Item: first }));
    await ddb().send(new PutCommand({ TableName: TABLE, Item: second }));
    await ddb().send(new DeleteCommand({ TableName: TABLE, Key: { PK: first?.PK, SK: first?.SK } }));
    const gapped = await verify();
    expect(gapped.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'gap', aggregate: `bid ${bidId}`, seq: 1 })]),
    );
  });

  it('reports an aggregate changed without its event', async () => {
    const key = { PK: `TENDER#${flow.id}`, SK: `SCORE#${bidId}#eva` };
    const score = (await ddb().send(new GetCommand({ TableName: TABLE, Key: key }))).Item;
    expect(score).toBeDefined();
    await ddb().send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...score, version: (score?.version as number) + 1, scores: [] },
      }),
    );
    const result = await verify();
    expect(result.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'aggregate-mismatch', seq: 1 })]),
    );
  });

  it('lets officers and auditors verify their own entity only', async () => {
    const foreignAuditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-vest', sub: 'vest-aud' });
    expect(
      (await stack.request('GET', `/audit/verify?tenderId=${flow.id}`, { token: foreignAuditor })).status,
    ).toBe(403);
    expect(
      (await stack.request('GET', `/audit/verify?tenderId=${flow.id}`, { token: who.evaluator })).status,
    ).toBe(403);
  });
});

describe('history', () => {
  it('merges the audit events with the workflow history, oldest first, filterable and exportable', async () => {
    const history = await stack.request('GET', `/tenders/${flow.id}/history`, { token: who.auditor });
    expect(history.status).toBe(200);
    const items = history.body.items as { at: string; kind: string; action: string; actor: string }[];
    expect(items.some((i) => i.kind === 'audit' && i.action === 'tender.created')).toBe(true);
    expect(items.some((i) => i.kind === 'workflow' && i.action === 'TaskSubmitted')).toBe(true);
    expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort());
    // Bid content reads are in it, by whom.
    const reads = items.filter((i) => i.action === 'bid.read');
    expect(reads.length).toBeGreaterThan(0);
    const onlyWorkflow = await stack.request('GET', `/tenders/${flow.id}/history?kind=workflow`, {
      token: who.auditor,
    });
    expect(onlyWorkflow.body.items.every((i: { kind: string }) => i.kind === 'workflow')).toBe(true);
    const byKari = await stack.request('GET', `/tenders/${flow.id}/history?actor=kari`, {
      token: who.auditor,
    });
    expect(byKari.body.items.length).toBeGreaterThan(0);
    expect(byKari.body.items.every((i: { actor: string }) => i.actor === 'kari')).toBe(true);
    const csv = await stack.request('GET', `/tenders/${flow.id}/history?format=csv&kind=audit`, {
      token: who.auditor,
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toBe('at,kind,actor,role,action,aggregate,seq,reason,executionArn,detail');
    expect(lines.length).toBe(items.filter((i) => i.kind === 'audit').length + 1);
  });
});
