/** Framework agreements' storage: keys, index entries and queries. */
import { getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { Agreement } from '../../domain/agreement.ts';
import type { Amendment, PerformanceYear, UsageReport } from '../../domain/performance.ts';
import { listIndexPage, type Page, queryPartition } from './query.ts';

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

export const yearKey = (agreementId: string, year: number): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `YEAR#${year}`,
});
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
export const listUsage = (agreementId: string, year: number) =>
  agreementPartition<UsageItem>(agreementId, `USAGE#${year}-`);
/** Every year's performance agreement of an agreement. */
export const listYears = (agreementId: string) => agreementPartition<YearItem>(agreementId, 'YEAR#');
