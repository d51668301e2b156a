/** Questions and bids (functions/domain/bidding-rules.ts): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import { type Bid, bidIdFor } from '../../functions/domain/bid.ts';
import {
  answerQuestion,
  askQuestion,
  assertOpened,
  changedWhileStored,
  qualifyBid,
  scoreBid,
  submitBid,
  withdrawBid,
} from '../../functions/domain/bidding-rules.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { Refusal } from '../../functions/domain/refusal.ts';
import { type TenderStatus, tenderContentSchema } from '../../functions/domain/tender.ts';
import { createDraft, type TenderState } from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';

const T0 = new Date('2026-11-23T09:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const supplier = { sub: 'supplier-1', name: 'Supplier' };

const tender = (status: TenderStatus = 'tendering', extra: Partial<TenderState> = {}): TenderState => ({
  ...createDraft(tenderContentSchema.parse(colonoscopyTender(T0.getTime())), {
    id: 'tnd_1',
    entityId: 'helse-sor-ost',
    by: supplier,
    now: T0,
    ref: referenceLookups,
  }).after,
  status,
  ...extra,
});

const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { kind: error.kind, detail: error.message, items: error.items };
  }
  throw new Error('no refusal');
};

const id = bidIdFor('tnd_1', 'innlandet', 'sup-1');
const submit = (
  t: TenderState,
  now: Date,
  opts: {
    lotId?: string;
    existing?: Pick<Bid, 'version' | 'status'>;
    version?: number;
    content?: readonly Bid['prices'][number][];
  } = {},
) =>
  submitBid(
    t,
    opts.lotId ?? 'innlandet',
    { ...colonoscopyBid('innlandet', 1500), ...(opts.content ? { prices: [...opts.content] } : {}) },
    {
      id,
      supplierId: 'sup-1',
      by: supplier,
      existing: opts.existing,
      version: opts.version,
      ref: referenceLookups,
    },
    now,
  );

describe('submitBid', () => {
  it('accepts a bid before the deadline, with its receipt time and content hash', () => {
    const s = submit(tender(), at(1));
    expect(s).toMatchObject({ action: 'bid.submitted', replaced: false });
    expect(s.after).toMatchObject({
      status: 'submitted',
      receivedAt: at(1).toISOString(),
      lotId: 'innlandet',
    });
    expect(s.after.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(
      submit(tender(), at(1), { existing: { version: 1, status: 'submitted' }, version: 1 }).action,
    ).toBe('bid.replaced');
  });

  it.each([
    ['at the deadline', tender(), `${at(30).toISOString().slice(0, 11)}12:00:00.000Z`, {}, 'late'],
    ['when the tender is no longer open', tender('evaluation'), at(1).toISOString(), {}, 'late'],
    ['for an unknown lot', tender(), at(1).toISOString(), { lotId: 'nope' }, 'not-found'],
    [
      'for a lot that ended',
      tender('tendering', { lotOutcomes: { innlandet: { status: 'cancelled', at: T0.toISOString() } } }),
      at(1).toISOString(),
      {},
      'state',
    ],
    [
      'that breaks a rule',
      tender(),
      at(1).toISOString(),
      { content: [{ unit: 'liggedogn', unitPrice: 1 }] },
      'rule',
    ],
    [
      'a second bid without the version',
      tender(),
      at(1).toISOString(),
      { existing: { version: 2, status: 'submitted' as const } },
      'conflict',
    ],
    ['a replacement of no bid', tender(), at(1).toISOString(), { version: 1 }, 'not-found'],
  ] as const)('refuses a bid %s', (_, t, now, opts, kind) => {
    expect(refusalOf(() => submit(t, new Date(now), opts)).kind).toBe(kind);
  });

  it('says when and why a late bid was not stored', () => {
    const t = tender();
    expect(refusalOf(() => submit(t, at(31)))).toEqual({
      kind: 'late',
      detail: `The bid deadline was ${t.bidDeadline}; this submission arrived at ${at(31).toISOString()} (server time) and was not stored`,
      items: [{ pointer: '#', detail: `Deadline ${t.bidDeadline}, received ${at(31).toISOString()}` }],
    });
  });

  it('lets a stored bid stand unless the tender moved while it was stored', () => {
    const t = tender();
    expect(changedWhileStored(t, t, 'innlandet')).toBeUndefined();
    expect(changedWhileStored(t, { ...t, contentRevision: 1 }, 'innlandet')?.kind).toBe('conflict');
    expect(changedWhileStored(t, tender('cancelled'), 'innlandet')?.kind).toBe('conflict');
    expect(changedWhileStored(t, undefined, 'innlandet')?.kind).toBe('conflict');
    const lotClosed = {
      ...t,
      lotOutcomes: { innlandet: { status: 'cancelled' as const, reason: 'x', at: at(1).toISOString() } },
    };
    expect(changedWhileStored(t, lotClosed, 'innlandet')?.kind).toBe('conflict');
    expect(changedWhileStored(t, lotClosed, 'telemark-vestfold')).toBeUndefined();
  });
});

describe('withdrawBid', () => {
  const submitted = { ...submit(tender(), at(1)).after, version: 1 } as Bid;

  it('withdraws a submitted bid before the deadline', () => {
    expect(withdrawBid(tender(), 'innlandet', submitted, at(2)).after).toMatchObject({ status: 'withdrawn' });
  });

  it.each([
    ['after the deadline', submitted, at(31), 'late'],
    ['of no bid', undefined, at(2), 'not-found'],
    ['of a bid already withdrawn', { ...submitted, status: 'withdrawn' as const }, at(2), 'not-found'],
  ] as const)('refuses a withdrawal %s', (_, bid, now, kind) => {
    expect(refusalOf(() => withdrawBid(tender(), 'innlandet', bid, now)).kind).toBe(kind);
  });
});

describe('evaluation of bids', () => {
  const bid = { ...submit(tender(), at(1)).after, version: 1 } as Bid;
  const evaluator = { sub: 'evaluator-1', name: 'Evaluator' };

  it('keeps bids sealed until the opening', () => {
    expect(refusalOf(() => assertOpened(tender())).kind).toBe('forbidden');
    expect(() => assertOpened(tender('evaluation'))).not.toThrow();
  });

  it('qualifies or rejects valid bids of open lots during evaluation, until the ranking is asked for', () => {
    const q = qualifyBid(
      tender('evaluation'),
      bid,
      { qualified: false, reason: 'No licence', by: evaluator },
      at(31),
    );
    expect(q).toMatchObject({ action: 'bid.rejected', reason: 'No licence', after: { status: 'rejected' } });
    expect(refusalOf(() => qualifyBid(tender(), bid, { qualified: true, by: evaluator }, at(31))).kind).toBe(
      'state',
    );
    expect(
      refusalOf(() =>
        qualifyBid(
          tender('evaluation', { rankingRequestedAt: 'then' }),
          bid,
          { qualified: true, by: evaluator },
          at(31),
        ),
      ).detail,
    ).toMatch(/revise the award/);
    expect(
      refusalOf(() =>
        qualifyBid(
          tender('evaluation'),
          { ...bid, status: 'withdrawn' },
          { qualified: true, by: evaluator },
          at(31),
        ),
      ),
    ).toMatchObject({ kind: 'state', detail: `Bid ${id} is withdrawn and cannot be qualified` });
  });

  it('scores qualified bids only, with every quality criterion once', () => {
    const scores = [
      { criterionId: 'kvalitet', score: 8 },
      { criterionId: 'tilgjengelighet', score: 6 },
    ];
    const qualified = { ...bid, status: 'qualified' as const };
    expect(scoreBid(tender('evaluation'), qualified, scores, evaluator, at(31))).toMatchObject({
      bidId: id,
      scores,
    });
    expect(refusalOf(() => scoreBid(tender('evaluation'), bid, scores, evaluator, at(31))).kind).toBe(
      'state',
    );
    expect(
      refusalOf(() => scoreBid(tender('evaluation'), qualified, [scores[0]!], evaluator, at(31))).kind,
    ).toBe('rule');
  });
});

describe('questions', () => {
  const asker = { supplierId: 'sup-1', ...supplier };

  it('are asked while the tender is open, until they close before the deadline', () => {
    expect(askQuestion(tender(), { id: 'q1', text: 'Hvor?', askedBy: asker }, at(1))).toMatchObject({
      id: 'q1',
      askedAt: at(1).toISOString(),
    });
    expect(
      refusalOf(() => askQuestion(tender(), { id: 'q1', text: '?', askedBy: asker }, at(29))).detail,
    ).toMatch(/^Questions closed at .*, 72 hours before the bid deadline$/);
    expect(
      refusalOf(() => askQuestion(tender('draft'), { id: 'q1', text: '?', askedBy: asker }, at(1))).kind,
    ).toBe('state');
    expect(
      refusalOf(() => askQuestion(tender(), { id: 'q1', lotId: 'nope', text: '?', askedBy: asker }, at(1))),
    ).toMatchObject({ kind: 'rule', items: [{ pointer: '#/lotId' }] });
  });

  it('are answered while the tender is open; a second answer replaces the first', () => {
    const q = { ...askQuestion(tender(), { id: 'q1', text: 'Hvor?', askedBy: asker }, at(1)), version: 1 };
    const a = answerQuestion(tender(), q, 'Hamar', supplier, at(2));
    expect(a).toMatchObject({ action: 'question.answered', after: { answer: { text: 'Hamar' } } });
    expect(answerQuestion(tender(), a.after, 'Gjøvik', supplier, at(3)).action).toBe(
      'question.answer-replaced',
    );
    expect(refusalOf(() => answerQuestion(tender('evaluation'), q, 'x', supplier, at(31))).kind).toBe(
      'state',
    );
  });
});

describe('who may bid where: reserved competitions and delivery sites', () => {
  const bid = (deliverySites: Bid['deliverySites']) => ({
    ...colonoscopyBid('innlandet', 1500),
    deliverySites,
  });
  const person = {
    id,
    supplierId: 'sup-1',
    by: supplier,
    existing: undefined,
    version: undefined,
    ref: referenceLookups,
  };

  it('refuses a supplier not registered as non-profit in a competition reserved for them, and stores nothing', () => {
    const reserved = tender('tendering', { reservedForNonProfit: true });
    const content = colonoscopyBid('innlandet', 1500);
    for (const bidder of [
      { id: 'sup-1', kind: 'kommersiell' as const },
      { id: 'sup-1', kind: 'unknown' as const },
    ]) {
      expect(
        refusalOf(() => submitBid(reserved, 'innlandet', content, { ...person, bidder }, at(1))),
      ).toEqual({
        kind: 'forbidden',
        detail: expect.stringContaining(`is registered as "${bidder.kind}", not as "ideell"`),
        items: [{ pointer: '#', detail: expect.stringContaining('kind "ideell"') }],
      });
    }
    expect(refusalOf(() => submitBid(reserved, 'innlandet', content, person, at(1))).detail).toContain(
      'not in the supplier register',
    );
    const ideell = { id: 'sup-1', kind: 'ideell' as const };
    expect(submitBid(reserved, 'innlandet', content, { ...person, bidder: ideell }, at(1)).action).toBe(
      'bid.submitted',
    );
    // An open competition takes every registered supplier, whatever its kind.
    const open = submitBid(
      tender(),
      'innlandet',
      content,
      { ...person, bidder: { id: 'sup-1', kind: 'kommersiell' } },
      at(1),
    );
    expect(open.action).toBe('bid.submitted');
  });

  it("keeps delivery sites in the lot's hospital areas unless the lot allows sites outside them (fritt behandlingsvalg)", () => {
    const closed = tender();
    const outside = bid([
      { place: 'Hamar', hospitalAreaId: 'innlandet' },
      { place: 'Bergen', hospitalAreaId: 'helse-vest-region' },
      { place: 'Trondheim' },
    ]);
    expect(refusalOf(() => submitBid(closed, 'innlandet', outside, person, at(1))).items).toEqual([
      {
        pointer: '#/deliverySites/1/hospitalAreaId',
        detail: expect.stringContaining('not in "helse-vest-region"'),
      },
      {
        pointer: '#/deliverySites/2/hospitalAreaId',
        detail: expect.stringContaining('must name one of the lot'),
      },
    ]);
    const free = tender('tendering', {
      lots: closed.lots.map((l) => ({ ...l, deliveryOutsideAreasAllowed: true })),
    });
    expect(submitBid(free, 'innlandet', outside, person, at(1)).after.deliverySites).toHaveLength(3);
    const unknown = bid([{ place: 'Atlantis', hospitalAreaId: 'atlantis' }]);
    expect(refusalOf(() => submitBid(free, 'innlandet', unknown, person, at(1))).items).toEqual([
      {
        pointer: '#/deliverySites/0/hospitalAreaId',
        detail: expect.stringContaining('Unknown hospital area "atlantis"'),
      },
    ]);
  });
});
