/**
 * The numbers the product accepts stay within what DynamoDB and JavaScript keep exactly: every
 * bound, and what the rules compute from the largest inputs (functions/domain/limits.ts).
 */
import { describe, expect, it } from 'vitest';
import { rankLot } from '../../functions/domain/evaluation.ts';
import {
  hasAtMostDecimals,
  MAX_UNIT_PRICE,
  MAX_VOLUME,
  percentSchema,
  quantitySchema,
  unitPriceSchema,
  versionSchema,
} from '../../functions/domain/limits.ts';
import { proposeYear } from '../../functions/domain/negotiation.ts';
import { lineSchema, type PerformanceYear } from '../../functions/domain/performance.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import {
  completeContent,
  type Lot,
  tenderContentProblems,
  tenderContentSchema,
} from '../../functions/domain/tender.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
  schema.safeParse(v).success;

describe('bounds', () => {
  it('refuses numbers the store cannot hold: beyond safe integers, tiny fractions, more than two decimals', () => {
    for (const v of [2 ** 53, 1e20, 1e300, Number.MAX_SAFE_INTEGER]) {
      expect(ok(versionSchema, v), `version ${v}`).toBe(false);
      expect(ok(quantitySchema, v), `quantity ${v}`).toBe(false);
      expect(ok(unitPriceSchema, v), `unit price ${v}`).toBe(false);
    }
    for (const v of [5e-324, 1e-200, 1e-7, 0.001, 12.345])
      expect(ok(unitPriceSchema, v), `unit price ${v}`).toBe(false);
    for (const v of [5e-324, 1e-200, 1e-7, -1e-9])
      expect(ok(percentSchema(-50, 100), v), `share ${v}`).toBe(false);
    expect(ok(versionSchema, 1_000_000_000)).toBe(true);
    expect(ok(quantitySchema, MAX_VOLUME)).toBe(true);
    expect(ok(unitPriceSchema, MAX_UNIT_PRICE)).toBe(true);
    expect(ok(unitPriceSchema, 1234.56)).toBe(true);
    expect(ok(percentSchema(0, 100), 33.33)).toBe(true);
    expect(ok(percentSchema(0, 100), 100 / 3)).toBe(true);
    expect(ok(percentSchema(0, 100), 0)).toBe(true);
    expect(ok(lineSchema, { unit: 'dogn', volume: MAX_VOLUME, unitPrice: 0.07 })).toBe(true);
  });

  it('counts decimals as they are written', () => {
    expect([0.07, 33.33, 123456.78, 99_999_999.99].every((v) => hasAtMostDecimals(v, 2))).toBe(true);
    expect([0.015, 1e-200, 5e-324].some((v) => hasAtMostDecimals(v, 2))).toBe(false);
  });
});

describe('what the rules compute from the largest inputs', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('refuses a lot whose evaluated price could pass the safe integers, and a unit estimated twice', () => {
    const input = colonoscopyTender(now);
    const lot = input.lots[0] as (typeof input.lots)[number];
    const units = ['liggedogn', 'utredninger', 'kontroller', 'konsultasjoner', 'henvisninger'];
    lot.estimatedVolumes = units.flatMap((unit) => [
      { unit, quantity: MAX_VOLUME },
      { unit, quantity: MAX_VOLUME },
    ]);
    const content = completeContent(tenderContentSchema.parse(input), 'helse-sor-ost', referenceLookups);
    const problems = tenderContentProblems(content, 'helse-sor-ost', new Date(now), referenceLookups);
    expect(problems.filter((p) => p.pointer === '#/lots/0/estimatedVolumes').map((p) => p.detail)).toEqual([
      ...units.map((unit) => `Volume unit "${unit}" is estimated more than once`),
      'The estimated volumes add up to 100000000; at most 90071992 in one lot',
    ]);
  });

  it('ranks the largest lot and prices with safe, storable numbers', () => {
    const lot: Lot = {
      id: 'l',
      title: 'L',
      hospitalAreaIds: ['innlandet'],
      formsOfCare: ['day'],
      estimatedVolumes: ['liggedogn', 'utredninger', 'kontroller', 'konsultasjoner', 'henvisninger'].map(
        (unit) => ({ unit, quantity: MAX_VOLUME }),
      ),
      minSuppliers: 1,
      maxSuppliers: 2,
    };
    const bid = (id: string, unitPrice: number) => ({
      id,
      supplierId: id,
      lotId: 'l',
      status: 'qualified' as const,
      receivedAt: '2026-01-01T00:00:00.000Z',
      prices: lot.estimatedVolumes.map((v) => ({ unit: v.unit, unitPrice })),
    });
    const ranking = rankLot(
      {
        awardCriteria: [
          { id: 'pris', name: 'Pris', kind: 'price', weight: 50 },
          { id: 'k', name: 'K', kind: 'quality', weight: 50 },
        ],
        minEvaluators: 1,
      },
      lot,
      [bid('a', MAX_UNIT_PRICE), bid('b', 0.01)],
      ['a', 'b'].map((bidId) => ({
        bidId,
        evaluator: { sub: 'e', name: 'E' },
        scores: [{ criterionId: 'k', score: 9.99 }],
        at: '2026-01-02T00:00:00.000Z',
      })),
    );
    const numbers = ranking.ranking.flatMap((r) => [
      r.evaluatedPrice,
      r.total,
      r.qualityPoints,
      ...Object.values(r.points),
    ]);
    for (const n of numbers) {
      expect(Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER, String(n)).toBe(true);
      expect(n === 0 || Math.abs(n) >= 1e-130, String(n)).toBe(true);
    }
    expect(ranking.ranking[0]?.bidId).toBe('b');
  });
});

describe("a year's negotiation rounds", () => {
  it('refuses a round that would make the rounds larger than a stored item can keep', () => {
    const line = { service: 'x'.repeat(200), unit: 'konsultasjoner', volume: 1, unitPrice: 1 };
    const offer = {
      lines: Array.from({ length: 50 }, () => line),
      priceAdjustmentPercent: 0,
      comment: 'ø'.repeat(4000),
      answerDays: 14,
    };
    let year = {
      agreementId: 'agr',
      entityId: 'helse-sor-ost',
      supplierId: 's',
      year: 2027,
      status: 'draft',
      lines: [],
      priceAdjustmentPercent: 0,
      rounds: [],
      reminders: 0,
    } as Omit<PerformanceYear, 'version'>;
    const by = { sub: 'o', name: 'O' };
    let rounds = 0;
    const refusal = (() => {
      try {
        for (;;) {
          year = proposeYear(year, new Set(['konsultasjoner']), offer, { by, now: new Date() }).after;
          year = { ...year, status: 'countered' };
          rounds++;
        }
      } catch (error) {
        return error as Error;
      }
    })();
    expect(rounds).toBeGreaterThan(2);
    expect(refusal.message).toMatch(/rounds may take at most 200 KB/);
    expect(new TextEncoder().encode(JSON.stringify(year)).length).toBeLessThan(300 * 1024);
  });
});
