/** Framework agreements' storage: keys, index entries and queries. */
import { type CommitInput, getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { Actor } from '../../domain/actors.ts';
import type { Agreement } from '../../domain/agreement.ts';
import { endDue } from '../../domain/agreement-lifecycle.ts';
import {
  type Amendment,
  initialYear,
  type PerformanceYear,
  type UsageReport,
} from '../../domain/performance.ts';
import {
  decodeCursor,
  encodeCursor,
  listIndexPage,
  type Page,
  queryAll,
  queryPage,
  queryPartition,
  type StartKey,
} from './query.ts';

export type AgreementItem = Agreement &
  Versioned & { GSI1PK: string; GSI1SK: string; GSI2PK: string; GSI2SK: string };

export const agreementKey = (id: string): Keyed => ({ PK: `AGREEMENT#${id}`, SK: 'AGREEMENT' });

export const agreementItem = (
  a: Omit<Agreement, 'version'>,
): Omit<AgreementItem, 'version' | 'auditHead'> => ({
  ...agreementKey(a.id),
  ...a,
  GSI1PK: `ENTITY#${a.entityId}#AGREEMENTS`,
  GSI1SK: `${a.createdAt}#${a.id}`,
  GSI2PK: `SUPPLIER#${a.supplierId}#AGREEMENTS`,
  GSI2SK: `${a.createdAt}#${a.id}`,
});

export const getAgreement = (id: string) => getItem<AgreementItem>(agreementKey(id));

export const listAgreements = (
  by: { entityId: string } | { supplierId: string },
  limit: number,
  cursor?: string,
): Promise<Page<AgreementItem>> =>
  'entityId' in by
    ? listIndexPage('GSI1', `ENTITY#${by.entityId}#AGREEMENTS`, { limit, cursor, newestFirst: true })
    : listIndexPage('GSI2', `SUPPLIER#${by.supplierId}#AGREEMENTS`, { limit, cursor, newestFirst: true });

/** Plain attributes the index page is narrowed by before the domain's predicate decides. */
export interface AgreementAttributes {
  status?: string | undefined;
  supplierId?: string | undefined;
  serviceAreaId?: string | undefined;
  hospitalAreaId?: string | undefined;
}

/** At most this many agreements are read for one filtered page. */
export const MAX_EXAMINED = 1000;

const partitionOf = (by: { entityId: string } | { supplierId: string }) =>
  'entityId' in by
    ? { index: 'GSI1' as const, pk: `ENTITY#${by.entityId}#AGREEMENTS` }
    : { index: 'GSI2' as const, pk: `SUPPLIER#${by.supplierId}#AGREEMENTS` };

/** Where a page that ends at `item` goes on: the item's table and index keys, as DynamoDB's own LastEvaluatedKey. */
const keyOf = (item: AgreementItem, index: 'GSI1' | 'GSI2'): StartKey => ({
  PK: item.PK,
  SK: item.SK,
  [`${index}PK`]: item[`${index}PK`],
  [`${index}SK`]: item[`${index}SK`],
});

/**
 * A page of the entity's (or supplier's) agreements, newest first, that pass `accept`: the index is
 * read in pages narrowed by a FilterExpression on the plain attributes, and `accept` (the domain's
 * predicate) decides. The page ends at its `limit`-th match (the cursor then continues right after
 * it), at the end of the index, or once MAX_EXAMINED agreements have been read: then the page may be
 * short, even empty, and the cursor continues where the reading stopped.
 */
export const listAgreementsWhere = async (
  by: { entityId: string } | { supplierId: string },
  attributes: AgreementAttributes,
  accept: (a: AgreementItem) => boolean,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<AgreementItem>> => {
  const { index, pk } = partitionOf(by);
  const names: Record<string, string> = { '#pk': `${index}PK` };
  const values: Record<string, unknown> = { ':pk': pk };
  const conditions: string[] = [];
  const equal = (attribute: string, value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    conditions.push(`#${attribute} = :${attribute}`);
  };
  equal('status', attributes.status);
  equal('supplierId', attributes.supplierId);
  if (attributes.serviceAreaId !== undefined) {
    // One of its specialties; an agreement stored before they became a list has only the one.
    names['#serviceAreaIds'] = 'serviceAreaIds';
    names['#serviceAreaId'] = 'serviceAreaId';
    values[':serviceAreaId'] = attributes.serviceAreaId;
    conditions.push('(contains(#serviceAreaIds, :serviceAreaId) OR #serviceAreaId = :serviceAreaId)');
  }
  if (attributes.hospitalAreaId !== undefined) {
    names['#hospitalAreaIds'] = 'hospitalAreaIds';
    values[':hospitalAreaId'] = attributes.hospitalAreaId;
    conditions.push('contains(#hospitalAreaIds, :hospitalAreaId)');
  }
  const items: AgreementItem[] = [];
  let start = decodeCursor(options.cursor, { [`${index}PK`]: pk });
  let examined = 0;
  while (examined < MAX_EXAMINED) {
    const batch = Math.min(MAX_EXAMINED - examined, Math.max(options.limit * 2, 50));
    const page = await queryPage<AgreementItem>(
      {
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
        ScanIndexForward: false,
        Limit: batch,
      },
      start,
    );
    examined += batch;
    for (const item of page.items) {
      if (!accept(item)) continue;
      items.push(item);
      if (items.length === options.limit) {
        const last = page.items.at(-1) === item && !page.next;
        const nextCursor = last ? undefined : encodeCursor(keyOf(item, index));
        return { items, ...(nextCursor ? { nextCursor } : {}) };
      }
    }
    start = page.next;
    if (!start) return { items };
  }
  const nextCursor = encodeCursor(start);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
};

/** Every agreement of the entity (or supplier), at most `max`. */
export const allAgreements = (by: { entityId: string } | { supplierId: string }, max = 5000) => {
  const { index, pk } = partitionOf(by);
  return queryAll<AgreementItem>(
    {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': `${index}PK` },
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
    },
    max,
  );
};

export const yearKey = (agreementId: string, year: number): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `YEAR#${year}`,
});
/**
 * A new agreement's first performance year (the award's or the registration's terms, published),
 * as the store commits it in the agreement's own transaction.
 */
export const firstYearCommit = (
  agreement: Omit<Agreement, 'version'>,
  basis: 'award' | 'registration',
  actor: Actor,
  at: string,
  executionArn?: string,
): CommitInput<Keyed> => {
  const year = initialYear(agreement, basis, at);
  return {
    aggregate: { type: 'performance', id: `${agreement.id}:${year.year}` },
    entityId: agreement.entityId,
    before: undefined,
    after: { ...yearKey(agreement.id, year.year), ...year },
    actor,
    action: `performance.agreed-by-${basis}`,
    change: { lines: year.lines, basis },
    ...(executionArn ? { executionArn } : {}),
    at,
  };
};

/** The index of agreements that are to end by themselves, by when (the daily sweep reads what is due). */
export const ENDING_PARTITION = 'AGREEMENTS#ENDING';
export const endKey = (agreementId: string): Keyed => ({ PK: `AGREEMENT#${agreementId}`, SK: 'ENDS' });

/**
 * The agreement's entry in the index of ends: due the day after its last day while it runs to one,
 * out of the index otherwise. Written with every change of the agreement (commitWithReminders), so
 * an end whose schedule was lost is still found by the daily sweep.
 */
export const endEntry = (a: Omit<Agreement, 'version'>): Keyed & Record<string, unknown> => {
  const due = endDue(a);
  return {
    ...endKey(a.id),
    agreementId: a.id,
    ...(due ? { dueAt: due, GSI2PK: ENDING_PARTITION, GSI2SK: `${due}#${a.id}` } : {}),
  };
};

/** Agreements whose end is due by `now` (a page of the index of ends). */
export const listDueEnds = (now: string, start?: StartKey, limit = 100) =>
  queryPage<{ agreementId: string; dueAt: string }>(
    {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
      ExpressionAttributeValues: { ':pk': ENDING_PARTITION, ':now': `${now}#~` },
      Limit: limit,
    },
    start,
  );

export const amendmentKey = (agreementId: string, year: number, id: string): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `AMENDMENT#${year}#${id}`,
});
export const usageKey = (agreementId: string, year: number, month: number): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `USAGE#${year}-${String(month).padStart(2, '0')}`,
});
export const negotiationTokenKey = (
  agreementId: string,
  year: number,
  step: 'officer' | 'supplier',
): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `TASKTOKEN#${year}#${step}`,
});

export type YearItem = PerformanceYear & Versioned;
export type AmendmentItem = Amendment & Versioned;
export type UsageItem = UsageReport & Versioned;

const agreementPartition = <T>(agreementId: string, prefix: string): Promise<T[]> =>
  queryPartition<T>(`AGREEMENT#${agreementId}`, prefix);

export const getYear = (agreementId: string, year: number) => getItem<YearItem>(yearKey(agreementId, year));
export const listAmendments = (agreementId: string, year: number) =>
  agreementPartition<AmendmentItem>(agreementId, `AMENDMENT#${year}#`);
/** Every amendment of an agreement, every year's, year by year. */
export const listAllAmendments = (agreementId: string) =>
  agreementPartition<AmendmentItem>(agreementId, 'AMENDMENT#');
export const listUsage = (agreementId: string, year: number) =>
  agreementPartition<UsageItem>(agreementId, `USAGE#${year}-`);
/** Every year's performance agreement of an agreement. */
export const listYears = (agreementId: string) => agreementPartition<YearItem>(agreementId, 'YEAR#');
