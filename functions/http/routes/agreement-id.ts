/**
 * An agreement id and a year of it, in a path or a query. Their own module: the framework agreement
 * routes (agreementsApi) and the annual performance agreement routes (performanceApi) both name
 * them, and importing them from either routes file would bundle that file's routes into the other.
 */
import * as z from 'zod/mini';

export const agreementIdSchema = z
  .string()
  .check(z.regex(/^agr_[0-9a-f]{32}$/, 'An agreement id looks like agr_ followed by 32 hex digits'));

/** A calendar year of an agreement (its performance agreement, its usage, a report). */
export const agreementYearSchema = z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100));
