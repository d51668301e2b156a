import { describe, expect, it } from 'vitest';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import {
  completeContent,
  diff,
  type TenderContent,
  tenderContentProblems,
  tenderContentSchema,
} from '../../functions/domain/tender.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';

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
      d.serviceAreaId = 'astrologi';
      d.lots[0]!.formOfCare = 'teleport';
      d.lots[0]!.estimatedVolumes[0]!.unit = 'hugs';
    });
    expect(pointers(c)).toEqual([
      '#/serviceAreaId',
      '#/lots/0/formOfCare',
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

  it('refuses a currency other than the entity buys in', () => {
    const c = { ...content(), currency: 'DKK' as const };
    expect(pointers(c)).toEqual(['#/currency']);
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
