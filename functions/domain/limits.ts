/**
 * The largest numbers the product means, in one place. Every number a route or the domain accepts
 * has a maximum (the OpenAPI document shows each; docs/reliability.md, "Hostile input", says why),
 * chosen so that nothing it is stored as or computed into leaves what DynamoDB and JavaScript keep
 * exactly:
 *
 * - DynamoDB's document client refuses to write a number beyond Number.MAX_SAFE_INTEGER (2^53 − 1),
 *   and DynamoDB a non-zero one smaller than 1e-130: either answered a 500 and, in a workflow step
 *   (the ranking), stopped the tender for good. Money has at most two decimals (øre) and shares
 *   are 0 or at least MIN_FRACTION, so nothing stored is ever tiny; the largest evaluated price
 *   (every unit of a lot at the largest price and volume) stays a safe integer.
 * - A DynamoDB item holds at most 400 KB: request bodies are limited at the HTTP edge
 *   (functions/http/http.ts), and what grows by itself (a year's negotiation rounds) by a rule.
 * Pure: no AWS.
 */
import * as z from 'zod/mini';

/** An aggregate's version counts its writes: a billion is beyond any aggregate's life. */
export const MAX_VERSION = 1_000_000_000;

/** A unit price in the entity's currency (NOK or DKK): at most 100 million, in øre. */
export const MAX_UNIT_PRICE = 100_000_000;

/** A volume of one unit in one year (estimated, offered, agreed, amended, used): at most 10 million. */
export const MAX_VOLUME = 10_000_000;

/**
 * The largest evaluated price of a lot (Σ unit price × estimated volume over its units) that can be
 * stored and compared exactly; a lot's estimated volumes must keep it below this at the largest
 * unit price (functions/domain/tender.ts).
 */
export const MAX_EVALUATED_PRICE = Number.MAX_SAFE_INTEGER;

/** Whether a number has at most `decimals` decimals (as typed: 0.07 has two, 1e-200 has 200). */
export const hasAtMostDecimals = (value: number, decimals: number): boolean => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale === value;
};

const decimals = (n: number) => z.refine<number>((v) => hasAtMostDecimals(v, n), `Use at most ${n} decimals`);

/** A version read and sent back (1 … MAX_VERSION). */
export const versionSchema = z.number().check(z.int(), z.gte(1), z.lte(MAX_VERSION));

/** A unit price: 0 … MAX_UNIT_PRICE, in øre. */
export const unitPriceSchema = z.number().check(z.gte(0), z.lte(MAX_UNIT_PRICE), decimals(2));

/** A whole volume of one unit in one year: 0 … MAX_VOLUME. */
export const quantitySchema = z.number().check(z.int(), z.gte(0), z.lte(MAX_VOLUME));

/**
 * The smallest share that is not nothing (a weight, a score, a percentage): finer ones mean nothing
 * to the ranking, which rounds to six decimals, and the finest could not be stored (1e-130).
 */
export const MIN_FRACTION = 0.000_001;

/** A percentage, weight or score between `min` and `max`: 0, or at least MIN_FRACTION from it. */
export const percentSchema = (min: number, max: number) =>
  z.number().check(
    z.gte(min),
    z.lte(max),
    z.refine<number>(
      (v) => v === 0 || Math.abs(v) >= MIN_FRACTION,
      `Use 0 or a number at least ${MIN_FRACTION} from it`,
    ),
  );

/** The size in bytes of a value written as JSON (what it takes in an item, roughly). */
export const jsonBytes = (value: unknown): number =>
  new TextEncoder().encode(JSON.stringify(value) ?? '').length;
