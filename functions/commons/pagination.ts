/** Cursor pagination: the cursor is the opaque LastEvaluatedKey, checked against the query it continues. */
import * as z from 'zod/mini';
import { validationProblem } from './errors.ts';

export const pageQueryShape = {
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });

export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;

/** `expected`: the key attributes the cursor must carry unchanged (the partition of the query). */
export const decodeCursor = (
  cursor: string | undefined,
  expected: Record<string, string>,
): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    validationProblem('The cursor is not valid for this list', [
      { parameter: 'cursor', detail: 'Pass the nextCursor of the previous page unchanged' },
    ]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid();
  const record = key as Record<string, unknown>;
  for (const [name, value] of Object.entries(expected)) if (record[name] !== value) throw invalid();
  if (Object.values(record).some((v) => typeof v !== 'string' && typeof v !== 'number')) throw invalid();
  return record;
};
