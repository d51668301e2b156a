/**
 * The entities' own reference data (functions/domain/managed-reference.ts): one small partition,
 * `REFERENCE`, one item per kind and id, read whole and consistently to build the catalogue a
 * request checks against (an officer's new volume unit is usable in the next request).
 */
import { getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { ManagedReference, ReferenceKind } from '../../domain/managed-reference.ts';
import { type ReferenceCatalogue, referenceCatalogue } from '../../domain/reference-lookups.ts';
import { queryAll } from './query.ts';

export type ReferenceItem = ManagedReference & Versioned;

const PARTITION = 'REFERENCE';

export const referenceKey = (kind: ReferenceKind, id: string): Keyed => ({
  PK: PARTITION,
  SK: `${kind}#${id}`,
});

export const referenceItem = (
  r: Omit<ManagedReference, 'version'>,
): Omit<ReferenceItem, 'version' | 'auditHead'> => ({ ...referenceKey(r.kind, r.id), ...r });

export const getReference = (kind: ReferenceKind, id: string) =>
  getItem<ReferenceItem>(referenceKey(kind, id));

/** Every managed item of every entity. */
export const managedReferences = () =>
  queryAll<ReferenceItem>({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': PARTITION },
    ConsistentRead: true,
  });

/** The release's reference data and every entity's own, as of now. */
export const loadReferenceCatalogue = async (): Promise<ReferenceCatalogue> =>
  referenceCatalogue(await managedReferences());
