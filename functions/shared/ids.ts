import { randomUUID } from 'node:crypto';

/** Opaque, unguessable identifiers with a readable prefix (e.g. `tnd_…`). */
export const newId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '')}`;
