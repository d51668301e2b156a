/**
 * Reference data an entity's officers manage themselves: service areas, volume units and hospital
 * areas added beside the ones that come with a release (functions/domain/reference-data.ts). Each
 * belongs to the entity whose officer added it: only that entity's officers edit it, everyone reads
 * it, and tenders, agreements, bids and suppliers of any entity may name its service areas and
 * volume units (hospital areas stay their entity's, as the static ones). Ids are one namespace per
 * kind across static and managed items and all entities, so an id always means one thing. Pure.
 */
import { entityById, hospitalAreaById, serviceAreaById, volumeUnitById } from './reference-data.ts';
import type { ProblemItem } from './refusal.ts';
import { supplierIdFromName } from './suppliers.ts';

export const referenceKinds = ['service-area', 'volume-unit', 'hospital-area'] as const;
export type ReferenceKind = (typeof referenceKinds)[number];

export interface ManagedReference {
  kind: ReferenceKind;
  id: string;
  /** The entity whose officers manage it. */
  entityId: string;
  /** In the entity's language. */
  name: string;
  /** Service areas and volume units: what an English reader (OCDS, eForms) is shown. */
  english?: string;
  /** Volume units: the Danish word, for what a Danish entity publishes. */
  danish?: string;
  /** Service areas: the language of `name`, the entity's. */
  language?: 'nb' | 'da';
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What an officer gives: the id is made from the name when left out ("Laboratorieanalyser" → "laboratorieanalyser"). */
export interface ReferenceDraft {
  id?: string;
  name: string;
  english?: string;
  danish?: string;
}

export const REFERENCE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What each kind is called in a problem and which list names it. */
export const referenceKindNames: Record<ReferenceKind, { one: string; list: string }> = {
  'service-area': { one: 'service area', list: '/reference/service-areas' },
  'volume-unit': { one: 'volume unit', list: '/reference/volume-units' },
  'hospital-area': { one: 'hospital area', list: '/reference/hospital-areas' },
};

const staticItem = (kind: ReferenceKind, id: string) =>
  kind === 'service-area'
    ? serviceAreaById(id)
    : kind === 'volume-unit'
      ? volumeUnitById(id)
      : hospitalAreaById(id);

/** Each entity keeps at most this many of each kind: every request that checks a tender reads them all. */
export const MAX_MANAGED_PER_KIND = 200;

/**
 * A new managed item from an officer's draft, or the problems that refuse it. `existing`: the
 * managed items as read (the store's conditional write decides a race for one id).
 */
export const newReference = (
  kind: ReferenceKind,
  entityId: string,
  draft: ReferenceDraft,
  at: string,
  existing: readonly Pick<ManagedReference, 'kind' | 'id' | 'entityId'>[],
): { item: Omit<ManagedReference, 'version'> } | { problems: ProblemItem[] } => {
  const entity = entityById(entityId);
  const id = draft.id ?? supplierIdFromName(draft.name);
  const problems: ProblemItem[] = [];
  const what = referenceKindNames[kind];
  if (!REFERENCE_ID.test(id))
    problems.push({
      pointer: draft.id === undefined ? '#/name' : '#/id',
      detail: `"${id}" is no ${what.one} id: lower-case letters, digits and "-", at most 63 characters${draft.id === undefined ? ' (made from the name; give an id)' : ''}`,
    });
  else if (staticItem(kind, id))
    problems.push({
      pointer: draft.id === undefined ? '#/name' : '#/id',
      detail: `There is a ${what.one} "${id}" already, one that comes with the product (see GET ${what.list}); choose another id`,
    });
  else if (existing.some((m) => m.kind === kind && m.id === id))
    problems.push({
      pointer: draft.id === undefined ? '#/name' : '#/id',
      detail: `There is a ${what.one} "${id}" already (see GET ${what.list}); choose another id`,
    });
  const own = existing.filter((m) => m.kind === kind && m.entityId === entityId).length;
  if (own >= MAX_MANAGED_PER_KIND)
    problems.push({
      pointer: '#',
      detail: `${entityId} has ${own} ${what.one}s of its own, the most an entity may keep; rename one that is no longer used instead`,
    });
  problems.push(...draftProblems(kind, draft));
  if (problems.length) return { problems };
  return {
    item: {
      kind,
      id,
      entityId,
      name: draft.name,
      ...(draft.english !== undefined ? { english: draft.english } : {}),
      ...(draft.danish !== undefined ? { danish: draft.danish } : {}),
      ...(kind === 'service-area' && entity ? { language: entity.language } : {}),
      createdAt: at,
      updatedAt: at,
    },
  };
};

/** An edit of a managed item: its names change, its id, kind and entity stay. */
export const editReference = (
  before: Omit<ManagedReference, 'version'>,
  changes: Partial<Pick<ReferenceDraft, 'name' | 'english' | 'danish'>>,
  at: string,
): { item: Omit<ManagedReference, 'version'> } | { problems: ProblemItem[] } => {
  const after = { ...before, ...changes, updatedAt: at };
  const problems = draftProblems(before.kind, after);
  return problems.length ? { problems } : { item: after };
};

const draftProblems = (kind: ReferenceKind, draft: ReferenceDraft): ProblemItem[] => {
  const problems: ProblemItem[] = [];
  // What a tender publishes: OCDS items and eForms name service areas and units in English too.
  if (kind !== 'hospital-area' && !draft.english)
    problems.push({
      pointer: '#/english',
      detail: `A ${referenceKindNames[kind].one} needs its English name: published notices and OCDS releases show it`,
    });
  if (kind === 'hospital-area' && (draft.english !== undefined || draft.danish !== undefined))
    problems.push({
      pointer: draft.english !== undefined ? '#/english' : '#/danish',
      detail: 'A hospital area has one name, in its entity’s language',
    });
  if (kind === 'service-area' && draft.danish !== undefined)
    problems.push({
      pointer: '#/danish',
      detail:
        "A service area is named in its entity's language (and English); a Danish entity names it in Danish",
    });
  return problems;
};
