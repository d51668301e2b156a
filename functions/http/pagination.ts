/**
 * Cursor pagination in the route descriptions: a page's query parameters and its shape. The cursor
 * itself (the opaque LastEvaluatedKey, checked against the query it continues) is the store's:
 * functions/services/store/query.ts.
 */
import * as z from 'zod/mini';

export const pageQueryShape = {
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });
