/**
 * OCDS 1.1.5 call-offs: each published annual performance agreement as a call-off process of its own,
 * linked to the framework's contracting process: award and contract, its confirmed amendments, and
 * the volumes delivered as implementation transactions. Pure: no AWS.
 */
import type { Agreement } from '../agreement.ts';
import type { Amendment, PerformanceYear, UsageReport } from '../performance.ts';
import { OCID_PREFIX } from './packages.ts';
import { type Json, languageOf, money, party, phrases } from './parts.ts';

/** A performance agreement year with what the call-off publishes of it. */
export type PublishedYear = PerformanceYear & { amendments: Amendment[]; usage?: UsageReport[] };

export const callOffOcid = (agreementId: string, year: number) => `${OCID_PREFIX}-${agreementId}-${year}`;

/** A year's performance agreement as a call-off process of the framework. */
export const callOffReleases = (
  parentOcid: string,
  a: Agreement,
  y: PublishedYear,
  entityName: string,
  supplierName: string,
): Json[] => {
  if (y.status !== 'published' || !y.publishedAt) return [];
  const ocid = callOffOcid(a.id, y.year);
  const lang = languageOf(a.entityId);
  const buyer = { id: a.entityId, name: entityName };
  const contract = (amendments: Amendment[]) => ({
    id: `${a.id}-${y.year}`,
    awardID: `${a.id}-${y.year}`,
    title: `${phrases[lang].performanceAgreement} ${y.year}: ${a.lotTitle}`,
    status: 'active',
    period: { startDate: `${y.year}-01-01T00:00:00Z`, endDate: `${y.year}-12-31T23:59:59Z` },
    items: y.lines.map((l, i) => ({
      id: String(i + 1),
      description: l.service ?? l.unit,
      quantity: l.volume + amendments.filter((m) => m.unit === l.unit).reduce((s, m) => s + m.delta, 0),
      unit: { name: l.unit, value: money(l.unitPrice, a.currency) },
    })),
    ...(amendments.length
      ? {
          amendments: amendments.map((m) => ({
            id: m.id,
            date: m.confirmedAt ?? m.raisedAt,
            rationale: m.reason,
            description: `${m.delta > 0 ? '+' : ''}${m.delta} ${m.unit}`,
          })),
        }
      : {}),
  });
  const common = (date: string, id: string, tag: string[]) => ({
    ocid,
    id: `${ocid}-${id}`,
    date,
    tag,
    initiationType: 'tender',
    language: lang,
    buyer,
    parties: [
      party(a.entityId, entityName, ['buyer', 'procuringEntity']),
      party(a.supplierId, supplierName, ['supplier']),
    ],
    relatedProcesses: [
      { id: '1', relationship: ['framework'], title: a.tenderTitle, scheme: 'ocid', identifier: parentOcid },
    ],
  });
  const confirmed = y.amendments
    .filter((m) => m.status === 'confirmed')
    .sort((p, q) => String(p.confirmedAt).localeCompare(String(q.confirmedAt)));
  return [
    {
      ...common(y.publishedAt, 'published', ['award', 'contract']),
      awards: [
        {
          id: `${a.id}-${y.year}`,
          status: 'active',
          date: y.publishedAt,
          suppliers: [{ id: a.supplierId, name: supplierName }],
        },
      ],
      contracts: [contract([])],
    },
    ...confirmed.map((m, i) => ({
      ...common(m.confirmedAt ?? m.raisedAt, `amendment-${i + 1}`, ['contractAmendment']),
      contracts: [contract(confirmed.slice(0, i + 1))],
    })),
    // Delivered volumes, valued at the year's unit prices: the implementation of the call-off.
    ...[...(y.usage ?? [])]
      .sort((p, q) => p.month - q.month)
      .map((u) => ({
        ...common(u.reportedAt, `usage-${u.month}`, ['implementation']),
        contracts: [
          {
            id: `${a.id}-${y.year}`,
            awardID: `${a.id}-${y.year}`,
            implementation: {
              transactions: u.lines.map((l) => ({
                id: `${y.year}-${String(u.month).padStart(2, '0')}-${l.unit}`,
                date: `${y.year}-${String(u.month).padStart(2, '0')}-01T00:00:00Z`,
                value: money(
                  l.quantity * (y.lines.find((x) => x.unit === l.unit)?.unitPrice ?? 0),
                  a.currency,
                ),
                payer: { id: a.entityId, name: entityName },
                payee: { id: a.supplierId, name: supplierName },
              })),
            },
          },
        ],
      })),
  ];
};
