/**
 * What the agreement handler modules share, those agreements.ts composes into agreementsApi and
 * those performance.ts composes into performanceApi: who may read an agreement, loading an
 * agreement or a year for an action, and the answers' views. (Each function bundles only the
 * helpers its modules use.)
 */

import { commit, withoutKeys } from '../../adapters/store.ts';
import type { OutboxEvent } from '../../contracts/outbox.ts';
import type { Principal } from '../../domain/actors.ts';
import { type Agreement, agreementScope, nextOption } from '../../domain/agreement.ts';
import { type PerformanceYear, utilisation } from '../../domain/performance.ts';
import { authorize } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import type { Handlers } from '../../http/http.ts';
import type { agreementRoutes } from '../../http/routes/agreements.routes.ts';
import type { performanceRoutes } from '../../http/routes/performance.routes.ts';
import {
  type AgreementItem,
  getAgreement,
  getYear,
  listAmendments,
  listUsage,
  type YearItem,
  yearKey,
} from '../../services/store/agreements.ts';
import { nowIso } from '../../shared/clock.ts';
import { assertRegisteredSupplier } from './tender-access.ts';

/** The implementations of some of the agreement routes (agreementsApi), by route key. */
export type AgreementHandlers<K extends keyof (typeof agreementRoutes)['routes']> = Pick<
  Handlers<typeof agreementRoutes>,
  K
>;

/** The implementations of some of the annual performance agreement routes (performanceApi), by route key. */
export type PerformanceHandlers<K extends keyof (typeof performanceRoutes)['routes']> = Pick<
  Handlers<typeof performanceRoutes>,
  K
>;

/** A supplier reads its own agreements; everyone else their entity's. Anything else does not exist for them. */
export const mayRead = (principal: Principal, a: Pick<Agreement, 'supplierId' | 'entityId'>): boolean =>
  principal.role === 'supplier' ? a.supplierId === principal.supplierId : a.entityId === principal.entityId;

export const view = (a: AgreementItem) => {
  const next = nextOption(a);
  // An agreement stored before its specialties and forms of care became lists shows them as lists too.
  return {
    ...withoutKeys(a),
    ...agreementScope(a),
    ...(next && !a.openEnded ? { nextOption: next } : {}),
  };
};

export const today = () => nowIso().slice(0, 10);

export const by = (principal: Principal) => ({ sub: principal.sub, name: principal.name });

/** The agreement, visible to the caller, and authorized for `action` when it is an entity action. */
export const loadAgreement = async (
  principal: Principal,
  agreementId: string,
  action: Parameters<typeof authorize>[1],
): Promise<AgreementItem> => {
  await assertRegisteredSupplier(principal);
  const agreement = await getAgreement(agreementId);
  if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', agreementId);
  authorize(principal, action, {
    kind: 'Agreement',
    id: agreement.id,
    entityId: agreement.entityId,
    public: false,
  });
  return agreement;
};

export const loadYear = async (agreement: Agreement, year: number): Promise<YearItem> => {
  const item = await getYear(agreement.id, year);
  if (!item) throw notFound(`Performance agreement ${year} of agreement`, agreement.id);
  return item;
};

export const yearRef = (y: PerformanceYear) => ({
  agreementId: y.agreementId,
  entityId: y.entityId,
  supplierId: y.supplierId,
  year: y.year,
});

export const plainLines = (lines: PerformanceYear['lines']) =>
  lines.map((l) => ({ unit: l.unit, volume: l.volume, unitPrice: l.unitPrice }));

/** Writes the year after a transition (`after` without its keys), with its audit event and `events`. */
export const commitYear = (
  before: YearItem,
  version: number,
  after: Omit<PerformanceYear, 'version'> | PerformanceYear,
  actor: Principal,
  action: string,
  change: unknown,
  events?: OutboxEvent[],
) =>
  commit({
    aggregate: { type: 'performance', id: `${before.agreementId}:${before.year}` },
    entityId: before.entityId,
    before: { ...before, version },
    after: { ...after, ...yearKey(before.agreementId, before.year) },
    actor,
    action,
    change,
    ...(events ? { events } : {}),
  }).then(({ item }) => item as YearItem);

export const updateYear = (
  before: YearItem,
  version: number,
  changes: Partial<PerformanceYear>,
  actor: Principal,
  action: string,
  change: unknown,
  events?: OutboxEvent[],
) => commitYear(before, version, { ...withoutKeys(before), ...changes }, actor, action, change, events);

/** A year as its reader may see it; prices and the utilisation's money in the agreement's `currency`. */
export const yearView = async (y: YearItem, full: boolean, currency: string) => {
  const base = {
    agreementId: y.agreementId,
    year: y.year,
    status: y.status,
    currency,
    lines: y.lines,
    priceAdjustmentPercent: y.priceAdjustmentPercent,
    ...(y.publishedAt ? { publishedAt: y.publishedAt } : {}),
    version: y.version,
  };
  if (!full) return base;
  const [amendments, usage] = await Promise.all([
    listAmendments(y.agreementId, y.year),
    listUsage(y.agreementId, y.year),
  ]);
  return {
    ...withoutKeys(y),
    currency,
    amendments: amendments.map((a) => withoutKeys(a)),
    utilisation: utilisation(y, amendments, usage),
  };
};
