/** The framework agreement's transitions (domain/agreement-lifecycle.ts): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import {
  type Agreement,
  agreementFromAward,
  replacedAgreementIds,
  replacesField,
} from '../../functions/domain/agreement.ts';
import {
  checkSuccessorChoice,
  decideRenewal,
  exerciseOption,
  expireAgreement,
  linkSuccessor,
  type RegisterCommand,
  recordRenewalDecision,
  registerAgreement,
  terminateAgreement,
} from '../../functions/domain/agreement-lifecycle.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { Refusal } from '../../functions/domain/refusal.ts';
import { type ReferenceLookups, type Tender, tenderContentSchema } from '../../functions/domain/tender.ts';
import { createDraft } from '../../functions/domain/tender-lifecycle.ts';
import { partnershipBid, partnershipTender, SJAELLAND_SPECIALTIES } from '../helpers/fixtures.ts';

const by = { sub: 'kari', name: 'Kari' };
const at = '2026-05-01T10:00:00.000Z';

const agreement = (overrides: Partial<Agreement> = {}): Agreement => ({
  id: 'agr_1',
  entityId: 'helse-sor-ost',
  tenderTitle: 'Dagkirurgi',
  lotId: 'lot-1',
  lotTitle: 'Oslo',
  supplierId: 'sup_1',
  serviceAreaId: 'ortopedi',
  formOfCare: 'dagbehandling',
  hospitalAreaIds: ['oslo'],
  currency: 'NOK',
  startDate: '2025-01-01',
  endDate: '2026-12-31',
  options: [{ durationMonths: 12 }],
  optionNoticeDays: 90,
  prices: [],
  volumes: [{ unit: 'opphold', quantity: 100 }],
  deliverySites: [],
  nonExclusive: true,
  minimumPurchase: 'none',
  status: 'active',
  createdAt: at,
  version: 3,
  ...overrides,
});

/** Throws the refusal the call throws, or fails. */
const refusalOf = (call: () => unknown): Refusal => {
  try {
    call();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const lookups: ReferenceLookups = {
  entityCurrency: (id) => (id === 'helse-sor-ost' ? 'NOK' : undefined),
  unknownHospitalAreas: (_entity, ids) => ids.filter((id) => id !== 'oslo'),
  isKnownHospitalArea: (id) => id === 'oslo',
  isKnownServiceArea: (id) => ['ortopedi', 'rygg'].includes(id),
  isKnownFormOfCare: (id) => id === 'dagbehandling',
  isKnownVolumeUnit: () => true,
};

const command = (overrides: Partial<RegisterCommand> = {}): RegisterCommand => ({
  title: 'Dagkirurgi',
  supplierId: 'sup_1',
  serviceAreaId: 'ortopedi',
  lot: { id: 'lot-1', title: 'Oslo', formOfCare: 'dagbehandling', hospitalAreaIds: ['oslo'] },
  startDate: '2025-01-01',
  endDate: '2026-12-31',
  options: [],
  optionNoticeDays: 90,
  prices: [],
  volumes: [],
  deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
  ...overrides,
});

describe('registration', () => {
  const context = { id: 'agr_new', entityId: 'helse-sor-ost', supplierKnown: true, at };

  it('registers an existing agreement as active, in the entity currency', () => {
    expect(registerAgreement(command(), context, lookups)).toMatchObject({
      id: 'agr_new',
      origin: 'registered',
      status: 'active',
      currency: 'NOK',
      endDate: '2026-12-31',
      nonExclusive: true,
    });
  });

  it('covers every specialty and form of care given as lists; the one-value spellings still work', () => {
    const both = registerAgreement(
      command({
        serviceAreaId: undefined,
        serviceAreaIds: ['ortopedi', 'rygg'],
        lot: { id: 'lot-1', title: 'Oslo', formsOfCare: ['dagbehandling'], hospitalAreaIds: ['oslo'] },
      }),
      context,
      lookups,
    );
    expect(both).toMatchObject({
      serviceAreaId: 'ortopedi',
      serviceAreaIds: ['ortopedi', 'rygg'],
      formOfCare: 'dagbehandling',
      formsOfCare: ['dagbehandling'],
    });
    expect(registerAgreement(command(), context, lookups)).toMatchObject({
      serviceAreaIds: ['ortopedi'],
      formsOfCare: ['dagbehandling'],
    });
    // Both spellings, neither, an unknown or a repeated one: refused, pointing at it.
    const refused = refusalOf(() =>
      registerAgreement(
        command({
          serviceAreaIds: ['rygg', 'x', 'rygg'],
          lot: { id: 'lot-1', title: 'Oslo', hospitalAreaIds: ['oslo'] },
        }),
        context,
        lookups,
      ),
    );
    expect(refused.items).toEqual([
      { pointer: '#/serviceAreaIds', detail: expect.stringContaining('one of the two, not both') },
      { pointer: '#/lot/formsOfCare', detail: expect.stringContaining('one of the two, not neither') },
      { pointer: '#/serviceAreaIds/1', detail: expect.stringContaining('Unknown service area "x"') },
      { pointer: '#/serviceAreaIds', detail: 'Service area "rygg" is listed more than once' },
    ]);
  });

  it('refuses with every broken rule, pointing at each, and names the first', () => {
    const refusal = refusalOf(() =>
      registerAgreement(
        command({
          serviceAreaId: 'x',
          endDate: '2024-12-31',
          deliverySites: [{ place: 'Bergen', hospitalAreaId: 'bergen' }],
        }),
        { ...context, supplierKnown: false },
        lookups,
      ),
    );
    expect(refusal.kind).toBe('rule');
    expect(refusal.detail).toBe(
      'The agreement breaks a rule: Unknown supplier "sup_1" (see GET /reference/suppliers)',
    );
    expect(refusal.items.map((i) => i.pointer)).toEqual([
      '#/supplierId',
      '#/serviceAreaId',
      '#/deliverySites/0/hospitalAreaId',
      '#/endDate',
    ]);
  });

  it('needs an end date unless open-ended, and an open-ended one has neither end nor options', () => {
    expect(
      refusalOf(() => registerAgreement(command({ endDate: undefined }), context, lookups)).items,
    ).toEqual([
      { pointer: '#/endDate', detail: 'An end date is required unless the agreement is open-ended' },
    ]);
    expect(
      refusalOf(() => registerAgreement(command({ openEnded: true }), context, lookups)).items[0]?.pointer,
    ).toBe('#/openEnded');
    expect(
      registerAgreement(command({ openEnded: true, endDate: undefined }), context, lookups),
    ).toMatchObject({ openEnded: true });
  });
});

describe('an awarded agreement', () => {
  it("covers every specialty and form of care of its lot: a partnership's fifteen, not its first", () => {
    const now = new Date('2026-11-23T09:00:00.000Z');
    const tender = {
      ...createDraft(tenderContentSchema.parse(partnershipTender(now.getTime())), {
        id: 'tnd_p',
        entityId: 'region-sjaelland',
        by,
        now,
        ref: referenceLookups,
      }).after,
      version: 1,
    } as Tender;
    const lot = tender.lots[0] as Tender['lots'][number];
    const a = agreementFromAward(
      tender,
      lot,
      { id: 'bid_1', supplierId: 'aleris-hamlet', ...partnershipBid() },
      1,
      at,
    );
    expect(a.serviceAreaIds).toEqual(SJAELLAND_SPECIALTIES);
    expect(a.serviceAreaId).toBe(SJAELLAND_SPECIALTIES[0]);
    expect(a.formsOfCare).toEqual(lot.formsOfCare);
    expect(lot.formsOfCare.length).toBeGreaterThan(1);
  });
});

describe('options', () => {
  it('extends the agreement by the next option and records who exercised it', () => {
    const { after, record, option } = exerciseOption(agreement(), { today: '2026-05-01', at, by });
    expect(option).toBe(1);
    expect(after).toMatchObject({ status: 'extended', endDate: '2027-12-31' });
    expect(record).toEqual({ index: 0, at, by, from: '2026-12-31', to: '2027-12-31' });
    expect(after.optionsExercised).toEqual([record]);
  });

  it('refuses after the last day, when none is left, or when the agreement has ended', () => {
    const late = refusalOf(() => exerciseOption(agreement(), { today: '2026-10-03', at, by }));
    expect(late.kind).toBe('rule');
    expect(late.items).toEqual([{ pointer: '#', detail: late.detail }]);
    const { after } = exerciseOption(agreement(), { today: '2026-05-01', at, by });
    expect(refusalOf(() => exerciseOption(after, { today: '2026-05-01', at, by })).detail).toBe(
      'All 1 option(s) have been exercised',
    );
    expect(
      refusalOf(() => exerciseOption(agreement({ status: 'expired' }), { today: '2026-05-01', at, by }))
        .detail,
    ).toBe('The agreement is expired');
  });

  it('records the renewal decision it answers', () => {
    const decision = decideRenewal(agreement(), { decision: 'exercise-option', by, at });
    expect(decision).toEqual({ decision: 'exercise-option', deadline: '2026-12-31', by, at });
    expect(exerciseOption(agreement(), { today: '2026-05-01', at, by, decision }).after.renewalDecision).toBe(
      decision,
    );
  });
});

describe('termination', () => {
  const base = { today: '2026-05-15', at, by, reason: 'Kvalitet' };

  it('gives notice: the agreement stays as it is until the effective end, never after the end date', () => {
    const { after, termination } = terminateAgreement(agreement(), { ...base, noticeMonths: 3 });
    expect(termination).toEqual({
      reason: 'Kvalitet',
      noticeMonths: 3,
      noticeCounting: 'from-notice',
      givenOn: '2026-05-15',
      endsOn: '2026-08-15',
      at,
      by,
    });
    expect(after).toMatchObject({ status: 'active', endDate: '2026-12-31', termination });
    expect(terminateAgreement(agreement(), { ...base, noticeMonths: 12 }).termination.endsOn).toBe(
      '2026-12-31',
    );
    const extended = terminateAgreement(agreement({ status: 'extended' }), { ...base, noticeMonths: 1 });
    expect(extended.after.status).toBe('extended');
  });

  it('counts the notice from the end of the month when the contract says so', () => {
    const { termination } = terminateAgreement(agreement({ endDate: '2028-12-31' }), {
      ...base,
      noticeMonths: 3,
      noticeCounting: 'from-end-of-month',
    });
    expect(termination).toMatchObject({ noticeCounting: 'from-end-of-month', endsOn: '2026-08-31' });
  });

  it('gives an open-ended agreement its end', () => {
    const open = agreement({ openEnded: true, endDate: undefined, options: [] });
    const { after } = terminateAgreement(open, { ...base, noticeMonths: 6 });
    expect(after).toMatchObject({ status: 'active', openEnded: true, termination: { endsOn: '2026-11-15' } });
    expect(after.endDate).toBeUndefined();
  });

  it('refuses an agreement that has already ended, or has notice already, as a state refusal', () => {
    const refusal = refusalOf(() =>
      terminateAgreement(agreement({ status: 'terminated' }), { ...base, reason: 'x', noticeMonths: 1 }),
    );
    expect(refusal).toMatchObject({ kind: 'state', detail: 'Agreement agr_1 is already terminated' });
    const { after } = terminateAgreement(agreement(), { ...base, noticeMonths: 3 });
    expect(refusalOf(() => terminateAgreement(after, { ...base, noticeMonths: 1 }))).toMatchObject({
      kind: 'state',
      detail: 'Notice was already given on 2026-05-15: agreement agr_1 ends 2026-08-15',
    });
  });

  it('refuses an option and any further renewal decision once notice is given', () => {
    const { after } = terminateAgreement(agreement(), { ...base, noticeMonths: 3 });
    const detail =
      'Notice was given on 2026-05-15: the agreement ends 2026-08-15 and its options are no longer offered';
    expect(refusalOf(() => exerciseOption(after, { today: '2026-05-16', at, by }))).toMatchObject({
      kind: 'state',
      detail,
    });
    expect(refusalOf(() => decideRenewal(after, { decision: 'exercise-option', by, at }))).toMatchObject({
      kind: 'state',
      detail,
    });
  });
});

describe('the successor tender', () => {
  const noticed = terminateAgreement(agreement(), {
    today: '2026-05-15',
    at,
    by,
    reason: 'Ny anskaffelse',
    noticeMonths: 6,
  }).after;
  const tender = (overrides: Partial<Tender> = {}) =>
    ({ id: 'tnd_1', entityId: 'helse-sor-ost', status: 'draft', ...overrides }) as Tender;

  it('names the tender in the notice and adds the agreement to the list it replaces, keeping the older link', () => {
    const { after, tender: t } = linkSuccessor(noticed, tender({ fromAgreementId: 'agr_0' }), {
      successorTenderId: 'tnd_1',
    });
    expect(after.termination?.successorTenderId).toBe('tnd_1');
    expect(after.status).toBe('active');
    expect(t).toMatchObject({ fromAgreementId: 'agr_0', replacesAgreementIds: ['agr_0', 'agr_1'] });
    expect(
      linkSuccessor(noticed, tender({ replacesAgreementIds: ['agr_1'] }), { successorTenderId: 'tnd_1' })
        .tender.replacesAgreementIds,
    ).toEqual(['agr_1']);
    expect(replacedAgreementIds({})).toEqual([]);
    expect(replacesField({ fromAgreementId: 'agr_0' })).toEqual({ replacesAgreementIds: ['agr_0'] });
    expect(replacesField({})).toEqual({});
  });

  it("refuses another entity's, a cancelled or an unsuccessful tender, pointing at it", () => {
    for (const t of [undefined, tender({ entityId: 'helse-vest' })])
      expect(refusalOf(() => linkSuccessor(noticed, t, { successorTenderId: 'tnd_1' }))).toMatchObject({
        kind: 'rule',
        detail: 'Unknown tender "tnd_1"',
        items: [{ pointer: '#/successorTenderId', detail: 'No tender "tnd_1" of helse-sor-ost' }],
      });
    for (const status of ['cancelled', 'unsuccessful'] as const)
      expect(
        refusalOf(() => linkSuccessor(noticed, tender({ status }), { successorTenderId: 'tnd_1' })).items,
      ).toEqual([{ pointer: '#/successorTenderId', detail: `The tender is ${status}` }]);
  });

  it('needs notice first, keeps a successor under way, and takes another once that one failed', () => {
    expect(refusalOf(() => linkSuccessor(agreement(), tender(), { successorTenderId: 'tnd_1' })).kind).toBe(
      'state',
    );
    const { after } = linkSuccessor(noticed, tender(), { successorTenderId: 'tnd_1' });
    const next = tender({ id: 'tnd_2' });
    expect(
      refusalOf(() =>
        linkSuccessor(after, next, {
          successorTenderId: 'tnd_2',
          current: { id: 'tnd_1', status: 'tendering' },
        }),
      ),
    ).toMatchObject({ kind: 'state' });
    expect(
      linkSuccessor(after, next, {
        successorTenderId: 'tnd_2',
        current: { id: 'tnd_1', status: 'cancelled' },
      }).after.termination?.successorTenderId,
    ).toBe('tnd_2');
  });

  it('either drafts a new procurement or links an existing tender, not both', () => {
    expect(() => checkSuccessorChoice({ startNewProcurement: true })).not.toThrow();
    expect(
      refusalOf(() => checkSuccessorChoice({ startNewProcurement: true, successorTenderId: 'tnd_1' }))
        .items[0]?.pointer,
    ).toBe('#/successorTenderId');
  });
});

describe('renewal decisions', () => {
  it('refuses on an ended agreement, and a termination without its notice', () => {
    expect(
      refusalOf(() => decideRenewal(agreement({ status: 'expired' }), { decision: 'let-expire', by, at })),
    ).toMatchObject({ kind: 'state', detail: 'Agreement agr_1 is expired; there is nothing to decide' });
    expect(refusalOf(() => decideRenewal(agreement(), { decision: 'terminate', by, at }))).toMatchObject({
      kind: 'rule',
      detail: 'Terminating needs the notice in months',
      items: [{ pointer: '#/noticeMonths', detail: 'Required to terminate' }],
    });
  });

  it('records a decision that changes nothing yet, with the successor tender when there is one', () => {
    const decision = decideRenewal(agreement(), { decision: 'new-procurement', reason: 'Ny runde', by, at });
    const { after, recorded } = recordRenewalDecision(agreement(), decision, 'tnd_2');
    expect(recorded).toMatchObject({ decision: 'new-procurement', reason: 'Ny runde', newTenderId: 'tnd_2' });
    expect(after).toMatchObject({ status: 'active', renewalDecision: recorded });
  });
});

describe('expiry', () => {
  it('expires the day after the end (or the termination date), not before', () => {
    expect(expireAgreement(agreement(), '2026-12-31', at)).toEqual({
      outcome: 'not-yet',
      ends: '2026-12-31',
    });
    const expired = expireAgreement(agreement(), '2027-01-01', at);
    expect(expired).toMatchObject({
      outcome: 'expired',
      ends: '2026-12-31',
      after: { status: 'expired', expiredAt: at },
    });
  });

  it('ends an agreement under notice terminated the day after the effective end, open-ended ones too', () => {
    const termination = { reason: 'x', noticeMonths: 3, endsOn: '2026-08-15', at, by };
    const noticed = agreement({ termination });
    expect(expireAgreement(noticed, '2026-08-15', at)).toEqual({ outcome: 'not-yet', ends: '2026-08-15' });
    expect(expireAgreement(noticed, '2026-08-16', at)).toMatchObject({
      outcome: 'terminated',
      ends: '2026-08-15',
      after: { status: 'terminated', terminatedAt: at, endDate: '2026-12-31' },
    });
    const open = agreement({ openEnded: true, endDate: undefined, options: [], termination });
    expect(expireAgreement(open, '2026-08-16', at)).toMatchObject({
      outcome: 'terminated',
      after: { status: 'terminated' },
    });
    expect(expireAgreement(agreement({ status: 'terminated', termination }), '2026-08-16', at).outcome).toBe(
      'ignored',
    );
  });

  it('leaves expired and open-ended agreements alone', () => {
    expect(expireAgreement(agreement({ status: 'expired' }), '2030-01-01', at).outcome).toBe('ignored');
    expect(
      expireAgreement(agreement({ openEnded: true, endDate: undefined }), '2030-01-01', at).outcome,
    ).toBe('ignored');
  });
});
