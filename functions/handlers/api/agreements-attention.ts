/**
 * What needs attention (routes in functions/http/routes/agreements.routes.ts, served by agreementsApi
 * through agreements.ts): the filtered list of agreements, every deadline across tenders and
 * agreements, and the yearly report of volume, spend and utilisation. The rules are in
 * domain/agreement-filters.ts, domain/deadlines.ts and domain/reporting.ts.
 */

import { withoutKeys } from '../../adapters/store.ts';
import { InvalidCursor } from '../../adapters/store-errors.ts';
import type { Principal } from '../../domain/actors.ts';
import { type AgreementFilter, matchesFilter } from '../../domain/agreement-filters.ts';
import {
  agreementDeadlines,
  type Deadline,
  deadlinePage,
  defaultWindow,
  tenderDeadlineKinds,
  tenderDeadlines,
} from '../../domain/deadlines.ts';
import { defaultReminderSettings } from '../../domain/reminders.ts';
import {
  agreementReport,
  nameGroups,
  type ReportInput,
  reportColumns,
  reportRows,
  runsIn,
} from '../../domain/reporting.ts';
import { validationProblem } from '../../http/errors.ts';
import {
  allAgreements,
  getYear,
  listAgreementsWhere,
  listAmendments,
  listUsage,
  listYears,
} from '../../services/store/agreements.ts';
import { entityTendersWaiting, openTenders } from '../../services/store/attention.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import { getSettings } from '../../services/store/reminders.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import { waitTimeouts } from '../../services/workflow/waits.ts';
import { now } from '../../shared/clock.ts';
import { csvDocument } from '../../shared/csv.ts';
import { type AgreementHandlers, today, view } from './agreements-shared.ts';
import { assertRegisteredSupplier } from './tender-access.ts';

type Viewer = { supplierId: string } | { entityId: string };
const viewerOf = (principal: Principal): Viewer =>
  principal.role === 'supplier'
    ? { supplierId: principal.supplierId as string }
    : { entityId: principal.entityId as string };

/** `items` mapped `limit` at a time (reads of many agreements, without flooding the table). */
const mapLimit = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

const dayStart = (value: string) => (value.length === 10 ? `${value}T00:00:00.000Z` : value);

const encodeKey = (key: string) => Buffer.from(`deadlines\n${key}`, 'utf8').toString('base64url');
const decodeKey = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('deadlines\n')) throw new InvalidCursor('The cursor is not valid for this list');
  return text.slice('deadlines\n'.length);
};

export const attentionHandlers: AgreementHandlers<'listAgreements' | 'listDeadlines' | 'agreementReport'> = {
  listAgreements: async ({ principal, query }) => {
    await assertRegisteredSupplier(principal);
    const viewer = viewerOf(principal);
    const { limit, cursor, needsDecision, underNotice, ...attributes } = query;
    if (needsDecision !== undefined && 'supplierId' in viewer)
      throw validationProblem('needsDecision is the procuring entity’s view of its renewal decisions', [
        { parameter: 'needsDecision', detail: 'Not available to suppliers; leave it out' },
      ]);
    // A supplier reads its own agreements: another supplier's are none of them.
    if ('supplierId' in viewer && attributes.supplierId && attributes.supplierId !== viewer.supplierId)
      return { body: { items: [] } };
    const filter: AgreementFilter = {
      ...attributes,
      ...(needsDecision === undefined ? {} : { needsDecision: needsDecision === 'true' }),
      ...(underNotice === undefined ? {} : { underNotice: underNotice === 'true' }),
    };
    const settings =
      'entityId' in viewer && filter.needsDecision !== undefined
        ? await getSettings(viewer.entityId)
        : defaultReminderSettings;
    const context = { today: today(), settings };
    const page = await listAgreementsWhere(viewer, attributes, (a) => matchesFilter(a, filter, context), {
      limit: limit ?? 25,
      cursor,
    });
    return {
      body: { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
    };
  },

  listDeadlines: async ({ principal, query }) => {
    await assertRegisteredSupplier(principal);
    const viewer = viewerOf(principal);
    const defaults = defaultWindow(now());
    const from = query.from ? dayStart(query.from) : defaults.from;
    const before = query.before
      ? dayStart(query.before)
      : new Date(Date.parse(from) + 366 * 86_400_000).toISOString();
    const day = today();
    // Read only what the kind asked for can come from.
    const kind = query.kind;
    const wantTenders = !kind || tenderDeadlineKinds.includes(kind);
    const wantAgreements = !kind || !tenderDeadlineKinds.includes(kind);
    const wantYears = !kind || kind === 'renegotiation-answer';
    const [tenders, agreements] = await Promise.all([
      wantTenders ? ('entityId' in viewer ? entityTendersWaiting(viewer.entityId) : openTenders()) : [],
      wantAgreements ? allAgreements(viewer) : [],
    ]);
    const awaited = agreements.filter((a) => a.status !== 'expired');
    // Only a running agreement's years wait for a renegotiation answer.
    const years = await mapLimit(awaited, 8, async (a) =>
      wantYears && a.status !== 'terminated'
        ? (await listYears(a.id)).filter((y) => y.year >= Number(day.slice(0, 4)))
        : [],
    );
    const all: Deadline[] = [
      ...tenders.flatMap((t) =>
        tenderDeadlines(t, {
          evaluationSeconds: waitTimeouts.tenderLifecycle.AwaitEvaluation,
          awardDecisionSeconds: waitTimeouts.tenderLifecycle.AwaitAwardDecision,
        }),
      ),
      ...awaited.flatMap((a, i) => agreementDeadlines(a, years[i] ?? [], day)),
    ];
    const page = deadlinePage(
      all,
      viewer,
      { from, before, kinds: query.kind ? [query.kind] : undefined },
      { limit: query.limit ?? 100, after: decodeKey(query.cursor) },
    );
    return {
      body: { items: page.items, ...(page.nextKey ? { nextCursor: encodeKey(page.nextKey) } : {}) },
    };
  },

  agreementReport: async ({ principal, query }) => {
    const entityId = principal.entityId as string;
    const agreements = (await allAgreements({ entityId })).filter((a) => runsIn(a, query.year));
    const inputs: ReportInput[] = await mapLimit(agreements, 8, async (a) => {
      const [year, amendments, usage] = await Promise.all([
        getYear(a.id, query.year),
        listAmendments(a.id, query.year),
        listUsage(a.id, query.year),
      ]);
      return { agreement: withoutKeys(a), year, amendments, usage };
    });
    const figures = agreementReport(inputs, query.year, query.groupBy);
    const names = new Map<string, string>();
    if (query.groupBy === 'supplier')
      for (const g of figures.groups) {
        const supplier = await getSupplier(g.key);
        if (supplier) names.set(g.key, supplier.name);
      }
    const catalogue = await loadReferenceCatalogue();
    const nameOf = (id: string) =>
      query.groupBy === 'supplier'
        ? names.get(id)
        : query.groupBy === 'serviceArea'
          ? catalogue.serviceArea(id)?.name
          : catalogue.hospitalArea(id)?.name;
    const report = { entityId, ...nameGroups(figures, nameOf) };
    if (query.format === 'csv')
      return {
        body: csvDocument(reportColumns, reportRows(report)),
        contentType: 'text/csv; charset=utf-8',
        headers: {
          'content-disposition': `attachment; filename="agreements-${entityId}-${query.year}-by-${query.groupBy}.csv"`,
        },
      };
    return { body: report };
  },
};
