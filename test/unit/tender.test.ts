import { describe, expect, it } from 'vitest';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { Refusal } from '../../functions/domain/refusal.ts';
import {
  completeContent,
  diff,
  type Lot,
  lotServiceAreaIds,
  type TenderContent,
  tenderContentProblems,
  tenderContentSchema,
  upgradeStoredTender,
} from '../../functions/domain/tender.ts';
import { colonoscopyLotValues, colonoscopyTender, partnershipTender } from '../helpers/fixtures.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');

const content = (change: (c: ReturnType<typeof colonoscopyTender>) => void = () => {}): TenderContent => {
  const draft = structuredClone(colonoscopyTender(NOW.getTime()));
  change(draft);
  return completeContent(tenderContentSchema.parse(draft), 'helse-sor-ost', referenceLookups);
};

const problems = (c: TenderContent, entity = 'helse-sor-ost') =>
  tenderContentProblems(c, entity, NOW, referenceLookups);
const pointers = (c: TenderContent, entity?: string) => problems(c, entity).map((p) => p.pointer);

describe('tender content rules', () => {
  it('accepts the colonoscopy tender from the seeds', () => {
    expect(problems(content())).toEqual([]);
  });

  it("fills in the entity's currency", () => {
    expect(content().currency).toBe('NOK');
  });

  it('requires award criteria weights to sum to exactly 100, and says what they sum to', () => {
    const c = content((d) => {
      d.awardCriteria[2]!.weight = 25;
    });
    expect(problems(c)).toEqual([
      {
        pointer: '#/awardCriteria',
        detail: 'The weights of the award criteria must sum to 100; they sum to 105',
      },
    ]);
    expect(
      problems(
        content((d) =>
          d.awardCriteria.forEach((k) => {
            k.weight = 100 / 3;
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('requires a bid deadline in the future', () => {
    expect(
      pointers(
        content((d) => {
          d.bidDeadline = NOW.toISOString();
        }),
      ),
    ).toEqual(['#/bidDeadline']);
  });

  it('refuses a bid deadline more than 100 days away: a workflow execution lives a year, and the evaluation, award and standstill follow', () => {
    const DAY = 86_400_000;
    const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
    const withDeadline = (deadline: string) =>
      content((d) => {
        d.bidDeadline = deadline;
        d.agreement.startDate = '2028-01-01';
        d.agreement.endDate = '2029-12-31';
      });
    expect(problems(withDeadline(at(100)))).toEqual([]);
    const far = problems(withDeadline(at(366)));
    expect(far).toEqual([
      {
        pointer: '#/bidDeadline',
        detail: expect.stringContaining('more than 100 days after now'),
      },
    ]);
    expect(far[0]?.detail).toContain(`the latest possible deadline is ${at(100)}`);
    expect(pointers(withDeadline(at(100).replace('.000Z', '.001Z')))).toEqual(['#/bidDeadline']);
    // Announced: the period counts from the announcement, so an extension cannot stretch it.
    const announced = new Date(NOW.getTime() - 10 * DAY);
    const fromAnnouncement = tenderContentProblems(
      withDeadline(at(95)),
      'helse-sor-ost',
      NOW,
      referenceLookups,
      announced,
    );
    expect(fromAnnouncement).toEqual([
      {
        pointer: '#/bidDeadline',
        detail: expect.stringContaining('more than 100 days after the announcement'),
      },
    ]);
    expect(
      tenderContentProblems(withDeadline(at(90)), 'helse-sor-ost', NOW, referenceLookups, announced),
    ).toEqual([]);
  });

  it('refuses a minimum above the maximum number of suppliers, pointing at the lot', () => {
    expect(
      pointers(
        content((d) => {
          d.lots[1]!.minSuppliers = 3;
        }),
      ),
    ).toEqual(['#/lots/1/minSuppliers']);
  });

  it('refuses hospital areas that are unknown or belong to another entity', () => {
    const c = content((d) => {
      d.lots[0]!.hospitalAreaIds = ['innlandet', 'atlantis'];
    });
    expect(pointers(c)).toEqual(['#/lots/0/hospitalAreaIds/1']);
    // Helse Sør-Øst's areas are not Helse Vest's (Helse Vest tenders in NOK too).
    expect(pointers(content(), 'helse-vest')).toEqual([
      '#/lots/0/hospitalAreaIds/0',
      '#/lots/1/hospitalAreaIds/0',
    ]);
  });

  it('refuses unknown service areas, forms of care and volume units', () => {
    const c = content((d) => {
      d.serviceAreaIds = ['koloskopi', 'astrologi'];
      d.lots[0]!.formsOfCare = ['outpatient', 'teleport'];
      d.lots[0]!.estimatedVolumes[0]!.unit = 'hugs';
    });
    expect(pointers(c)).toEqual([
      '#/serviceAreaIds/1',
      '#/lots/0/formsOfCare/1',
      '#/lots/0/estimatedVolumes/0/unit',
    ]);
  });

  it('refuses duplicate lot ids and more than one price criterion', () => {
    const c = content((d) => {
      d.lots[1]!.id = 'innlandet';
      d.awardCriteria[1]!.kind = 'price';
    });
    expect(pointers(c)).toEqual(['#/lots', '#/awardCriteria']);
  });

  it('requires the agreement to end after it starts, and to start after deadline + standstill', () => {
    expect(
      pointers(
        content((d) => {
          d.agreement.endDate = '2027-01-01';
        }),
      ),
    ).toEqual(['#/agreement/endDate']);
    const c = content((d) => {
      d.bidDeadline = '2027-02-25T12:00:00.000Z';
    });
    expect(pointers(c)).toEqual(['#/agreement/startDate']);
  });

  it('refuses a currency other than the entity buys in, and estimated values in another currency', () => {
    const c = { ...content(), currency: 'DKK' as const };
    expect(pointers(c)).toEqual(['#/currency', '#/estimatedValue/currency']);
  });
});

describe('scope: specialties and forms of care', () => {
  const partnership = (change: (d: ReturnType<typeof partnershipTender>) => void = () => {}) => {
    const d = structuredClone(partnershipTender(NOW.getTime()));
    change(d);
    return completeContent(tenderContentSchema.parse(d), 'region-sjaelland', referenceLookups);
  };

  it('takes a partnership across fifteen specialties and every form of care as one tender', () => {
    const c = partnership();
    expect(c.serviceAreaIds).toHaveLength(15);
    expect(c.lots[0]?.formsOfCare).toEqual(['outpatient', 'day', 'inpatient']);
    expect(problems(c, 'region-sjaelland')).toEqual([]);
  });

  it('refuses a specialty named twice, and a lot specialty the tender does not cover', () => {
    const c = partnership((d) => {
      d.serviceAreaIds.push('urologi');
      (d.lots[0] as { serviceAreaIds?: string[] }).serviceAreaIds = ['urologi', 'koloskopi', 'urologi'];
      d.lots[0]!.formsOfCare = ['day', 'day'];
    });
    expect(problems(c, 'region-sjaelland')).toEqual([
      { pointer: '#/serviceAreaIds', detail: 'Service area "urologi" is listed more than once' },
      { pointer: '#/lots/0/formsOfCare', detail: 'Form of care "day" is listed more than once' },
      {
        pointer: '#/lots/0/serviceAreaIds/1',
        detail: expect.stringContaining('"koloskopi" is not one of the tender\'s'),
      },
      { pointer: '#/lots/0/serviceAreaIds', detail: 'Service area "urologi" is listed more than once' },
    ]);
  });

  it('lets a lot narrow the specialties, and reads the older one-value spellings as lists', () => {
    const c = partnership((d) => {
      (d.lots[0] as { serviceAreaIds?: string[] }).serviceAreaIds = ['urologi', 'kardiologi'];
    });
    expect(problems(c, 'region-sjaelland')).toEqual([]);
    expect(lotServiceAreaIds(c, c.lots[0] as Lot)).toEqual(['urologi', 'kardiologi']);
    const { serviceAreaIds: _s, lots, ...rest } = colonoscopyTender(NOW.getTime());
    const older = completeContent(
      tenderContentSchema.parse({
        ...rest,
        serviceAreaId: 'koloskopi',
        lots: lots.map(({ formsOfCare: _f, ...l }) => ({ ...l, formOfCare: 'outpatient' })),
      }),
      'helse-sor-ost',
      referenceLookups,
    );
    expect(older).toEqual(content());
    expect(older).not.toHaveProperty('serviceAreaId');
  });

  it('refuses both spellings at once, or neither, pointing at each', () => {
    const both = () =>
      completeContent(
        tenderContentSchema.parse({ ...colonoscopyTender(NOW.getTime()), serviceAreaId: 'koloskopi' }),
        'helse-sor-ost',
        referenceLookups,
      );
    expect(both).toThrow(Refusal);
    try {
      both();
    } catch (e) {
      expect((e as Refusal).items).toEqual([
        { pointer: '#/serviceAreaIds', detail: 'Give serviceAreaIds or serviceAreaId, not both' },
      ]);
    }
    const { serviceAreaIds: _s, ...none } = colonoscopyTender(NOW.getTime());
    none.lots[1] = { ...none.lots[1]!, formsOfCare: undefined as unknown as string[] };
    try {
      completeContent(tenderContentSchema.parse(none), 'helse-sor-ost', referenceLookups);
      expect.unreachable();
    } catch (e) {
      expect((e as Refusal).items.map((i) => i.pointer)).toEqual([
        '#/serviceAreaIds',
        '#/lots/1/formsOfCare',
      ]);
    }
  });

  it('reads a tender stored with one service area and one form of care per lot as lists', () => {
    const { serviceAreaIds: _s, lots, ...rest } = content();
    const stored = {
      ...rest,
      serviceAreaId: 'koloskopi',
      lots: lots.map(({ formsOfCare: _f, ...l }) => ({ ...l, formOfCare: 'outpatient' })),
    };
    expect(upgradeStoredTender(stored)).toEqual(content());
    const current = content();
    expect(upgradeStoredTender(current)).toBe(current);
  });
});

describe('classification (CPV) and estimated value', () => {
  it('checks the format of CPV codes in the schema, with the field that is wrong', () => {
    const parsed = tenderContentSchema.safeParse({
      ...colonoscopyTender(NOW.getTime()),
      cpvCodes: ['85121200', '85121200-5'],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['cpvCodes', 0]);
  });

  it('checks the check digit of the CPV codes it knows, duplicates and a services code first', () => {
    const c = content((d) => {
      d.cpvCodes = ['33100000-1', '85121200-4', '85121200-5'];
      (d.lots[1] as { cpvCodes?: string[] }).cpvCodes = ['85121251-7', '85121251-7'];
    });
    expect(problems(c)).toEqual([
      {
        pointer: '#/cpvCodes/1',
        detail: 'The CPV code 85121200 has the check digit 5 (85121200-5), not 4',
      },
      { pointer: '#/cpvCodes', detail: 'The CPV code 85121200 is listed more than once' },
      {
        pointer: '#/cpvCodes/0',
        detail: 'The main CPV code 33100000-1 is not a services code (services are 49000000 to 98999999)',
      },
      { pointer: '#/lots/1/cpvCodes', detail: 'The CPV code 85121251 is listed more than once' },
    ]);
    // A code of the right format the product does not know is taken as it is.
    const unknown = content((d) => {
      d.cpvCodes = ['85199999-3'];
    });
    expect(problems(unknown)).toEqual([]);
  });

  it("fills in the tender's currency, and refuses lots worth more together than the tender", () => {
    const valued = (amount: number) =>
      completeContent(
        tenderContentSchema.parse({
          ...colonoscopyLotValues(NOW.getTime()),
          estimatedValue: { amount },
        }),
        'helse-sor-ost',
        referenceLookups,
      );
    expect(valued(11_250_000).lots[0]?.estimatedValue).toEqual({ amount: 5_625_000, currency: 'NOK' });
    expect(problems(valued(11_250_000))).toEqual([]);
    const c = valued(10_000_000);
    expect(problems(c)).toEqual([
      {
        pointer: '#/estimatedValue/amount',
        detail: "The lots' estimated values add up to 11250000 NOK, more than the tender's 10000000",
      },
    ]);
    expect(
      tenderContentSchema.safeParse({
        ...colonoscopyTender(NOW.getTime()),
        estimatedValue: { amount: -1 },
      }).error?.issues[0]?.path,
    ).toEqual(['estimatedValue', 'amount']);
  });
});

describe('the tender schema', () => {
  it('applies the defaults: standstill 10 days, no options, 90 days option notice', () => {
    const { standstillDays, qualificationRequirements, ...rest } = colonoscopyTender(NOW.getTime());
    const parsed = tenderContentSchema.parse({
      ...rest,
      agreement: { startDate: '2027-03-01', endDate: '2029-02-28' },
    });
    expect(parsed.standstillDays).toBe(10);
    expect(parsed.qualificationRequirements).toEqual([]);
    expect(parsed.agreement).toEqual({
      startDate: '2027-03-01',
      endDate: '2029-02-28',
      options: [],
      optionNoticeDays: 90,
    });
  });
});

describe('diff', () => {
  it('lists only what changed, with before and after', () => {
    expect(diff({ a: 1, b: [1], c: 'x' }, { a: 1, b: [2], d: true })).toEqual({
      b: { from: [1], to: [2] },
      c: { from: 'x', to: null },
      d: { from: null, to: true },
    });
  });
});
