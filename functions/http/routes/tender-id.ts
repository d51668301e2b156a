/**
 * A tender id in a path or a body. Its own module: the other areas' routes name tenders, and
 * importing it from tenders.routes.ts bundled every tender route into their functions.
 */
import * as z from 'zod/mini';

export const tenderIdSchema = z
  .string()
  .check(z.regex(/^tnd_[0-9a-f]{32}$/, 'A tender id looks like tnd_ followed by 32 hex digits'));
