/** The tender's transitions (functions/domain/tender-lifecycle.ts): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import type { Bid } from '../../functions/domain/bid.ts';
import type { LotRanking } from '../../functions/domain/evaluation.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { Refusal } from '../../functions/domain/refusal.ts';
import { type TenderStatus, tenderContentSchema } from '../../functions/domain/tender.ts';
import {
  announce,
  approveAward,
  assertAwardStands,
  assertNotCancelled,
  awardRevisedEvent,
  cancel,
  cancelledEvent,
  changeMaterially,
  completeStandstill,
  createDraft,
  editDraft,
  expireDecision,
  extendDeadline,
  open,
  recordRanked,
  requestRanking,
  reviseAward,
  standstillOver,
  type TenderState,
} from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyTender, DAY } from '../helpers/fixtures.ts';

const T0 = new Date('2026-11-23T09:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const officer = { sub: 'officer-1', name: 'Officer' };
const ARN = 'arn:aws:states:eu-north-1:000000000000:execution:tender-lifecycle:tnd_1';

const draft = (): TenderState =>
  createDraft(tenderContentSchema.parse(colonoscopyTender(T0.getTime())), {
    id: 'tnd_1',
    entityId: 'helse-sor-ost',
    by: officer,
    now: T0,
    ref: referenceLookups,
  }).after;

const inStatus = (status: TenderStatus, extra: Partial<TenderState> = {}): TenderState => ({
  ...draft(),
  status,
  announcedAt: T0.toISOString(),
  ...extra,
});

type Bidish = Pick<Bid, 'id' | 'lotId' | 'status' | 'supplierId'>;
const bid = (
  id: string,
  lotId: string,
  status: Bid['status'] = 'submitted',
  supplierId = `sup-${id}`,
): Bidish => ({
  id,
  lotId,
  status,
  supplierId,
});

/** The refusal a transition throws, as { kind, code, detail }. */
const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { kind: error.kind, code: error.code, detail: error.message, items: error.items };
  }
  throw new Error('no refusal');
};

describe('createDraft and editDraft', () => {
  it('creates a draft with its content and refuses content that breaks a rule', () => {
    const t = draft();
    expect(t).toMatchObject({ status: 'draft', currency: 'NOK', createdAt: T0.toISOString() });
    const bad = tenderContentSchema.parse({
      ...colonoscopyTender(T0.getTime()),
      bidDeadline: T0.toISOString(),
    });
    const refused = refusalOf(() =>
      createDraft(bad, { id: 'x', entityId: 'helse-sor-ost', by: officer, now: T0, ref: referenceLookups }),
    );
    expect(refused).toMatchObject({ kind: 'rule', items: [{ pointer: '#/bidDeadline' }] });
    expect(refused.detail).toMatch(/^The tender breaks a rule: The bid deadline/);
  });

  it('edits drafts only, and records what changed', () => {
    const edited = editDraft(draft(), { title: 'Koloskopi 2027' }, T0, referenceLookups);
    expect(edited.change).toEqual({
      title: { from: 'Koloskopi i Innlandet, Vestfold og Telemark', to: 'Koloskopi 2027' },
    });
    expect(
      refusalOf(() => editDraft(inStatus('tendering'), { title: 'x' }, T0, referenceLookups)),
    ).toMatchObject({
      kind: 'state',
      detail: 'Tender tnd_1 is tendering; only drafts can be edited this way',
    });
  });
});

describe('announce', () => {
  it('opens a draft for bids; an announced tender needs nothing more; others are refused', () => {
    const announced = announce(draft(), T0, referenceLookups, ARN);
    expect(announced?.after).toMatchObject({
      status: 'tendering',
      announcedAt: T0.toISOString(),
      executionArn: ARN,
    });
    expect(announced?.change).toEqual({
      status: { from: 'draft', to: 'tendering' },
      announcedAt: T0.toISOString(),
    });
    expect(announce(inStatus('tendering'), T0, referenceLookups, ARN)).toBeUndefined();
    expect(refusalOf(() => announce(inStatus('cancelled'), T0, referenceLookups, ARN))).toMatchObject({
      kind: 'state',
      detail: 'Tender tnd_1 is cancelled and cannot be announced',
    });
  });

  it('checks the rules again at the announcement', () => {
    expect(refusalOf(() => announce(draft(), at(31), referenceLookups, ARN)).kind).toBe('rule');
  });
});

describe('extendDeadline', () => {
  const open = inStatus('tendering');
  const later = new Date(Date.parse(open.bidDeadline) + 7 * DAY).toISOString();

  it('moves the deadline later and tells the bidders', () => {
    const t = extendDeadline(open, later, T0, referenceLookups, 'more time');
    expect(t.after.bidDeadline).toBe(later);
    expect(t).toMatchObject({ action: 'tender.deadline-extended', reason: 'more time' });
    expect(t.event).toMatchObject({ tenderId: 'tnd_1', from: open.bidDeadline, to: later });
  });

  it.each([
    ['a draft', inStatus('draft'), later, T0, 'state'],
    ['after the deadline', open, later, at(31), 'state'],
    ['an earlier deadline', open, new Date(Date.parse(open.bidDeadline) - DAY).toISOString(), T0, 'rule'],
    ['beyond the longest tender period', open, at(150).toISOString(), T0, 'rule'],
  ] as const)('refuses %s', (_, tender, deadline, now, kind) => {
    expect(refusalOf(() => extendDeadline(tender, deadline, now, referenceLookups)).kind).toBe(kind);
  });
});

describe('changeMaterially', () => {
  const open = inStatus('tendering');
  const lots = structuredClone(open.lots);
  lots[0]!.estimatedVolumes = [{ unit: 'konsultasjoner', quantity: 900 }];
  const bids = [bid('b1', 'innlandet'), bid('b2', 'innlandet', 'withdrawn'), bid('b3', 'telemark-vestfold')];

  it('invalidates the submitted bids of the lots it affects and bumps the revision', () => {
    const t = changeMaterially(open, { lots }, 'volumes', bids, T0, referenceLookups, 99);
    expect(t.affectedLotIds).toEqual(['innlandet']);
    expect(t.invalidated.map((i) => [i.bid.id, i.after.status])).toEqual([['b1', 'invalidated']]);
    expect(t.after.contentRevision).toBe(1);
    expect(t.event).toMatchObject({ lotIds: ['innlandet'], supplierIds: ['sup-b1'], reason: 'volumes' });
  });

  it.each([
    ['no change', {}, 99, 'rule', 'Nothing changes: the lots, criteria and requirements are as they were'],
    [
      'too many bids at once',
      { lots },
      0,
      'rule',
      '1 bids would be invalidated; one change can invalidate at most 0. Split the change by lot.',
    ],
  ] as const)('refuses %s', (_, changes, max, kind, detail) => {
    expect(
      refusalOf(() => changeMaterially(open, changes, 'r', bids, T0, referenceLookups, max)),
    ).toMatchObject({ kind, detail });
  });

  it('refuses once the deadline has passed', () => {
    expect(
      refusalOf(() => changeMaterially(open, { lots }, 'r', bids, at(31), referenceLookups, 99)),
    ).toMatchObject({
      kind: 'state',
      detail: 'Tender tnd_1 is no longer open for bids; it cannot be changed',
    });
  });
});

describe('cancel', () => {
  const reason = 'Budget withdrawn';

  it('cancels the whole tender when every open lot is cancelled', () => {
    const t = cancel(inStatus('tendering'), { reason, by: officer }, T0);
    expect(t).toMatchObject({
      wholeTender: true,
      action: 'tender.cancelled',
      lotIds: ['innlandet', 'telemark-vestfold'],
    });
    expect(t.after).toMatchObject({ status: 'cancelled', cancellation: { reason, by: officer } });
  });

  it('cancels single lots and keeps the tender going', () => {
    const t = cancel(inStatus('evaluation'), { lotIds: ['innlandet'], reason, by: officer }, T0);
    expect(t).toMatchObject({
      wholeTender: false,
      action: 'tender.lots-cancelled',
      change: { cancelledLotIds: ['innlandet'] },
    });
    expect(t.after.status).toBe('evaluation');
    expect(t.after.lotOutcomes?.innlandet?.status).toBe('cancelled');
  });

  it.each([
    [
      'a complete tender',
      inStatus('complete'),
      undefined,
      'state',
      'Tender tnd_1 is complete and can no longer be cancelled',
    ],
    ['an unknown lot', inStatus('tendering'), ['nope'], 'rule', 'Tender tnd_1 has no lot "nope"'],
    [
      'a lot already ended',
      inStatus('evaluation', {
        lotOutcomes: { innlandet: { status: 'unsuccessful', at: T0.toISOString() } },
      }),
      ['innlandet'],
      'state',
      'Lot innlandet is already unsuccessful',
    ],
    [
      'single lots during the standstill',
      inStatus('standstill'),
      ['innlandet'],
      'state',
      'During the standstill period, revise the award to cancel single lots, or cancel the whole tender',
    ],
  ] as const)('refuses %s', (_, tender, lotIds, kind, detail) => {
    expect(
      refusalOf(() => cancel(tender, { lotIds: lotIds ? [...lotIds] : undefined, reason, by: officer }, T0)),
    ).toMatchObject({
      kind,
      detail,
    });
  });

  it('tells the valid bidders of the cancelled lots, but nobody about a draft', () => {
    const bids = [
      bid('b1', 'innlandet'),
      bid('b2', 'innlandet', 'withdrawn'),
      bid('b3', 'telemark-vestfold'),
    ];
    const event = cancelledEvent(
      inStatus('tendering'),
      { lotIds: ['innlandet'], wholeTender: false, reason },
      bids,
    );
    expect(event?.supplierIds).toEqual(['sup-b1']);
    expect(
      cancelledEvent(draft(), { lotIds: ['innlandet'], wholeTender: true, reason }, bids),
    ).toBeUndefined();
  });
});

describe('open', () => {
  const tendering = inStatus('tendering');

  it('evaluates the lots with valid bids; the others are unsuccessful', () => {
    const t = open(tendering, [bid('b1', 'innlandet'), bid('b2', 'telemark-vestfold', 'withdrawn')], at(31));
    expect(t?.after.status).toBe('evaluation');
    expect(t?.lots).toEqual([
      { lotId: 'innlandet', validBids: 1, status: 'open' },
      { lotId: 'telemark-vestfold', validBids: 0, status: 'unsuccessful' },
    ]);
    expect(t?.after.lotOutcomes?.['telemark-vestfold']).toMatchObject({
      status: 'unsuccessful',
      reason: 'No valid bid at the deadline',
    });
  });

  it('ends without result when no lot has a valid bid', () => {
    const t = open(tendering, [], at(31));
    expect(t?.after).toMatchObject({
      status: 'unsuccessful',
      unsuccessfulReason: 'No valid bid for any lot at the deadline',
    });
  });

  it('refuses before the deadline (deadlineNotReached), and does nothing once opened', () => {
    expect(refusalOf(() => open(tendering, [], T0))).toMatchObject({
      kind: 'state',
      code: 'deadlineNotReached',
    });
    expect(open(inStatus('evaluation'), [], at(31))).toBeUndefined();
    expect(refusalOf(() => open(inStatus('cancelled'), [], at(31))).code).toBe('tenderCancelled');
  });
});

describe('ranking and award', () => {
  const evaluating = inStatus('evaluation', { openedAt: at(31).toISOString() });
  const scores = (bidId: string) => ({
    bidId,
    evaluator: officer,
    scores: [
      { criterionId: 'kvalitet', score: 8 },
      { criterionId: 'tilgjengelighet', score: 7 },
    ],
    at: T0.toISOString(),
  });

  it('asks for the ranking once every bid is qualified or rejected and scored', () => {
    const bids = [bid('b1', 'innlandet', 'qualified'), bid('b2', 'telemark-vestfold', 'rejected')];
    const t = requestRanking(evaluating, bids, [scores('b1')], at(32));
    expect(t).toMatchObject({ requested: true, after: { rankingRequestedAt: at(32).toISOString() } });
    const again = requestRanking({ ...evaluating, rankingRequestedAt: 'then' }, [], [], at(33));
    expect(again).toEqual({ requested: false, rankingRequestedAt: 'then' });
  });

  it.each([
    [
      'before the opening',
      inStatus('tendering'),
      [],
      'state',
      'Tender tnd_1 is tendering; the ranking comes after the opening',
    ],
    [
      'with bids not qualified',
      evaluating,
      [bid('b1', 'innlandet')],
      'rule',
      '1 bid(s) are neither qualified nor rejected: b1',
    ],
    [
      'with bids not scored',
      evaluating,
      [bid('b1', 'innlandet', 'qualified')],
      'rule',
      '1 qualified bid(s) lack scores from 1 evaluator(s)',
    ],
  ] as const)('refuses the ranking %s', (_, tender, bids, kind, detail) => {
    expect(refusalOf(() => requestRanking(tender, [...bids], [], at(32)))).toMatchObject({ kind, detail });
  });

  it('records the ranking once, while evaluated', () => {
    expect(recordRanked(evaluating, at(32))?.after.rankedAt).toBe(at(32).toISOString());
    expect(recordRanked({ ...evaluating, rankedAt: 'then' }, at(32))).toBeUndefined();
  });

  const ranked = { ...evaluating, rankingRequestedAt: at(32).toISOString(), rankedAt: at(32).toISOString() };
  const rankings: LotRanking[] = [
    {
      lotId: 'innlandet',
      status: 'ranked',
      ranking: [
        {
          rank: 1,
          bidId: 'b1',
          supplierId: 'sup-b1',
          evaluatedPrice: 1,
          points: {},
          qualityPoints: 5,
          total: 80,
          evaluators: 1,
          receivedAt: T0.toISOString(),
        },
      ],
    },
    { lotId: 'telemark-vestfold', status: 'unsuccessful', reason: 'No qualified bid', ranking: [] },
  ];

  it('approves the award: standstill when a lot is awarded', () => {
    const t = approveAward(ranked, rankings, officer, at(33));
    if (!t.approved) throw new Error('not approved');
    expect(t.after.status).toBe('standstill');
    expect(t.after.award?.standstillEndsAt).toBe(at(43).toISOString());
    expect(t.revision).toBe(1);
  });

  it('approves the award: unsuccessful, every lot, when nothing can be awarded', () => {
    const t = approveAward(ranked, [], officer, at(33));
    if (!t.approved) throw new Error('not approved');
    expect(t.after).toMatchObject({ status: 'unsuccessful', unsuccessfulReason: 'No lot could be awarded' });
    expect(Object.values(t.after.lotOutcomes ?? {}).map((o) => o.status)).toEqual([
      'unsuccessful',
      'unsuccessful',
    ]);
  });

  it('refuses an award without a ranking, and repeats none', () => {
    expect(refusalOf(() => approveAward(evaluating, rankings, officer, at(33)))).toMatchObject({
      kind: 'state',
      detail: 'Tender tnd_1 has no ranking to decide on (status evaluation)',
    });
    const decided = approveAward(ranked, rankings, officer, at(33));
    if (!decided.approved) throw new Error('not approved');
    expect(approveAward(decided.after, rankings, officer, at(34))).toEqual({ approved: false, revision: 1 });
  });

  it('revises an award back to evaluation; refuses while ranking and when there is nothing to revise', () => {
    const decided = approveAward(ranked, rankings, officer, at(33));
    if (!decided.approved) throw new Error('not approved');
    const published = { ...decided.after, awardPublishedRevision: 1 };
    const revised = reviseAward(published, 'complaint', at(34));
    expect(revised.after.status).toBe('evaluation');
    expect(revised.after).not.toHaveProperty('rankedAt');
    expect(revised.after).not.toHaveProperty('rankingRequestedAt');
    expect(revised.notifyBidders).toBe(true);
    expect(reviseAward(decided.after, 'complaint', at(34)).notifyBidders).toBe(false);
    expect(awardRevisedEvent(published, 'complaint', [bid('b1', 'innlandet', 'qualified')])).toMatchObject({
      revision: 1,
      supplierIds: ['sup-b1'],
    });
    expect(refusalOf(() => reviseAward({ ...evaluating, rankingRequestedAt: 'now' }, 'r', at(34))).kind).toBe(
      'conflict',
    );
    expect(refusalOf(() => reviseAward(inStatus('tendering'), 'r', at(34)))).toMatchObject({
      kind: 'state',
      detail: 'Tender tnd_1 is tendering; there is no ranking or award to revise',
    });
  });

  it('ends the standstill when it is over: awarded and unsuccessful lots, complete', () => {
    const decided = approveAward(ranked, rankings, officer, at(33));
    if (!decided.approved) throw new Error('not approved');
    const standstill = decided.after;
    expect(refusalOf(() => standstillOver(standstill, at(40))).code).toBe('standstillNotOver');
    expect(standstillOver(standstill, at(43))).toBe('over');
    const done = completeStandstill(standstill, ['agr_1'], at(43));
    expect(done.after.status).toBe('complete');
    expect(done.after.lotOutcomes).toMatchObject({
      innlandet: { status: 'awarded' },
      'telemark-vestfold': { status: 'unsuccessful', reason: 'No qualified bid' },
    });
    expect(standstillOver(done.after, at(44))).toBe('complete');
    expect(refusalOf(() => standstillOver(evaluating, at(44))).code).toBe('awardRevised');
  });
});

describe('expireDecision', () => {
  it.each([
    [
      false,
      {},
      'The evaluation did not finish within 120 days of the opening; the bids are no longer binding',
    ],
    [
      false,
      { rankedAt: 'then' },
      'No award decision within 60 days of the ranking; the bids are no longer binding',
    ],
    [
      true,
      {},
      'The award could not be decided within the year its workflow runs after the announcement; the bids are no longer binding',
    ],
  ] as const)('ends without result (outlived: %s) with the reason', (outlived, extra, reason) => {
    const t = expireDecision(inStatus('evaluation', extra), outlived, at(200));
    expect(t).toMatchObject({ reason, after: { status: 'unsuccessful', unsuccessfulReason: reason } });
    expect(Object.values(t?.after.lotOutcomes ?? {}).every((o) => o.status === 'unsuccessful')).toBe(true);
  });

  it('does nothing when the tender already ended without result', () => {
    expect(expireDecision(inStatus('unsuccessful'), false, at(200))).toBeUndefined();
  });
});

describe('what the workflow waits on', () => {
  it('refuses a cancelled tender (tenderCancelled) and a standstill whose award was withdrawn (awardRevised)', () => {
    expect(refusalOf(() => assertNotCancelled(inStatus('cancelled')))).toMatchObject({
      kind: 'state',
      code: 'tenderCancelled',
      detail: 'Tender tnd_1 is cancelled',
    });
    expect(() => assertNotCancelled(inStatus('standstill'))).not.toThrow();
    expect(refusalOf(() => assertAwardStands(inStatus('evaluation'))).code).toBe('awardRevised');
    expect(() => assertAwardStands(inStatus('standstill'))).not.toThrow();
  });
});
