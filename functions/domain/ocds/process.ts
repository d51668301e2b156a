/**
 * OCDS 1.1.5 releases of a tender's contracting process: one for every stage change (tender,
 * amendments, updates, cancellation, awards, contracts) from its audit trail, with the lots, bids,
 * techniques, renewal and options extensions, and the framework agreements' amendments and
 * terminations. Bid content never appears in a release dated before the opening. Pure: no AWS.
 */
import type { Agreement } from '../agreement.ts';
import type { AuditEvent } from '../audit.ts';
import type { Bid } from '../bid.ts';
import { cpvLabel } from '../reference-data.ts';
import { type ReferenceNames, referenceLookups } from '../reference-lookups.ts';
import { type AwardDecision, type Lot, lotCpvCodes, lotServiceAreaIds, type Tender } from '../tender.ts';
import type { PublishedYear } from './call-offs.ts';
import { OCID_PREFIX } from './packages.ts';
import { type Json, type Language, languageOf, money, party, phrases, termIn } from './parts.ts';

/** What the publication reads of an audit event. */
export type AuditLike = Pick<AuditEvent, 'at' | 'seq' | 'action' | 'aggregateType' | 'aggregateId'> &
  Partial<Pick<AuditEvent, 'reason' | 'change'>>;

export interface ProcessData {
  tender: Tender;
  entityName: string;
  events: AuditLike[];
  bids: Bid[];
  supplierNames: Record<string, string>;
  agreements: Agreement[];
  years: PublishedYear[];
  baseUrl: string;
  /** The names of service areas, units and forms of care, the entities' own too (default: the release's alone). */
  names?: ReferenceNames;
}

export const ocidFor = (tenderId: string) => `${OCID_PREFIX}-${tenderId}`;

/** A CPV code as an OCDS classification, labelled (in English, the label the product knows) when known. */
const cpvClassification = (code: string) => {
  const label = cpvLabel(code);
  return { scheme: 'CPV', id: code, ...(label ? { description_en: label } : {}) };
};

/**
 * The tender's items: one per lot and volume unit, described by the lot's specialties, unit and
 * forms of care in the release's language, classified by the lot's main CPV code (the others as
 * additional classifications).
 */
const itemsOf = (t: Tender, lang: Language, names: ReferenceNames) =>
  t.lots.flatMap((l: Lot) => {
    const [main, ...more] = lotCpvCodes(t, l);
    const specialties = lotServiceAreaIds(t, l)
      .map((id) => names.serviceArea(id)?.name ?? id)
      .join(', ');
    const forms = l.formsOfCare.map((f) => termIn(lang, names.formOfCare(f), f)).join(', ');
    return l.estimatedVolumes.map((v, i) => ({
      id: `${l.id}-${i + 1}`,
      description: `${specialties}: ${termIn(lang, names.volumeUnit(v.unit), v.unit)} (${forms})`,
      ...(main ? { classification: cpvClassification(main) } : {}),
      ...(more.length ? { additionalClassifications: more.map(cpvClassification) } : {}),
      quantity: v.quantity,
      unit: { name: termIn(lang, names.volumeUnit(v.unit), v.unit) },
      relatedLot: l.id,
    }));
  });

const lotsOf = (t: Tender, lang: Language) =>
  t.lots.map((l) => ({
    id: l.id,
    title: l.title,
    ...(l.description ? { description: l.description } : {}),
    ...(l.estimatedValue ? { value: money(l.estimatedValue.amount, l.estimatedValue.currency) } : {}),
    status:
      t.lotOutcomes?.[l.id]?.status === 'cancelled'
        ? 'cancelled'
        : t.lotOutcomes?.[l.id]?.status === 'unsuccessful'
          ? 'unsuccessful'
          : t.lotOutcomes?.[l.id]?.status === 'awarded'
            ? 'complete'
            : 'active',
    contractPeriod: {
      startDate: `${t.agreement.startDate}T00:00:00Z`,
      endDate: `${t.agreement.endDate}T23:59:59Z`,
    },
    hasOptions: t.agreement.options.length > 0,
    ...(t.agreement.options.length
      ? {
          options: {
            description: phrases[lang].options(
              t.agreement.options.length,
              t.agreement.options.map((o) => phrases[lang].months(o.durationMonths)).join(', '),
            ),
          },
        }
      : {}),
    hasRenewal: t.agreement.options.length > 0,
    ...(t.agreement.options.length
      ? {
          renewal: {
            maximumRenewals: t.agreement.options.length,
            description: phrases[lang].renewal,
          },
        }
      : {}),
  }));

const tenderStatus = (t: Tender): string =>
  t.status === 'cancelled'
    ? 'cancelled'
    : t.status === 'unsuccessful'
      ? 'unsuccessful'
      : t.status === 'complete'
        ? 'complete'
        : 'active';

const tenderSection = (t: Tender, at: string, amendments: Json[], lang: Language, names: ReferenceNames) => ({
  id: t.id,
  title: t.title,
  ...(t.description ? { description: t.description } : {}),
  status: tenderStatus(t),
  procuringEntity: { id: t.entityId, name: '' },
  ...(t.estimatedValue ? { value: money(t.estimatedValue.amount, t.estimatedValue.currency) } : {}),
  mainProcurementCategory: 'services',
  // Every supplier may bid (an open procedure), without negotiation: the details say the same.
  procurementMethod: 'open',
  procurementMethodDetails: phrases[lang].procurementMethodDetails,
  awardCriteria: t.awardCriteria.some((c) => c.kind === 'price') ? 'ratedCriteria' : 'qualityOnly',
  awardCriteriaDetails: t.awardCriteria.map((c) => `${c.name} ${c.weight} %`).join(', '),
  submissionMethod: ['electronicSubmission'],
  tenderPeriod: { startDate: t.announcedAt ?? at, endDate: t.bidDeadline },
  enquiryPeriod: {
    startDate: t.announcedAt ?? at,
    endDate: new Date(Date.parse(t.bidDeadline) - t.questionsCloseHours * 3_600_000).toISOString(),
  },
  contractPeriod: {
    startDate: `${t.agreement.startDate}T00:00:00Z`,
    endDate: `${t.agreement.endDate}T23:59:59Z`,
  },
  items: itemsOf(t, lang, names),
  lots: lotsOf(t, lang),
  techniques: {
    hasFrameworkAgreement: true,
    frameworkAgreement: {
      minimumParticipants: Math.min(...t.lots.map((l) => l.minSuppliers)),
      maximumParticipants: t.lots.reduce((n, l) => n + l.maxSuppliers, 0),
      method: 'withoutReopeningCompetition',
    },
  },
  hasOptions: t.agreement.options.length > 0,
  ...(amendments.length ? { amendments } : {}),
});

/** Whether a `tender.award-revised` event withdrew a standing decision (not only a ranking). */
const withdrewDecision = (e: AuditLike): boolean => {
  const status = (e.change as { status?: { from?: unknown } } | undefined)?.status;
  return status?.from === 'standstill';
};

/** The award decision a `tender.award-approved` event recorded (its change carries it whole). */
const decisionOf = (e: AuditLike): AwardDecision | undefined => {
  const award = (e.change as { award?: Partial<AwardDecision> } | undefined)?.award;
  return typeof award?.revision === 'number' &&
    typeof award.approvedAt === 'string' &&
    Array.isArray(award.lots)
    ? (award as AwardDecision)
    : undefined;
};

/** The revision a `tender.award-revised` event withdrew, when it names one. */
const withdrawnRevisionOf = (e: AuditLike): number | undefined => {
  const revision = (e.change as { withdrawnRevision?: unknown } | undefined)?.withdrawnRevision;
  return typeof revision === 'number' ? revision : undefined;
};

/** Every release of the tender's contracting process, oldest first. */
export const processReleases = (d: ProcessData): Json[] => {
  const t = d.tender;
  const lang = languageOf(t.entityId);
  const names = d.names ?? referenceLookups;
  const ocid = ocidFor(t.id);
  const buyer = { id: t.entityId, name: d.entityName };
  const base = (at: string, seq: number, tag: string[]) => ({
    ocid,
    id: `${ocid}-${seq}-${tag[0]}`,
    date: at,
    tag,
    initiationType: 'tender',
    language: lang,
    buyer,
  });
  const parties = (extra: { id: string; name: string; roles: string[] }[] = []) => [
    party(t.entityId, d.entityName, ['buyer', 'procuringEntity']),
    ...extra,
  ];
  const releases: Json[] = [];
  const amendments: Json[] = [];
  const tenderEvents = d.events
    .filter((e) => e.aggregateType === 'tender' && e.aggregateId === t.id)
    .sort((a, b) => a.seq - b.seq);
  const opened = t.openedAt;
  const bidsSection = (at: string) => {
    if (!opened || at < opened) return undefined; // sealed
    const valid = d.bids.filter((b) => b.status !== 'withdrawn');
    return {
      statistics: t.lots.map((l, i) => ({
        id: String(i + 1),
        measure: 'bids',
        value: valid.filter((b) => b.lotId === l.id && b.status !== 'invalidated').length,
        relatedLot: l.id,
      })),
      details: valid.map((b) => ({
        id: b.id,
        date: b.receivedAt,
        status:
          b.status === 'rejected'
            ? 'disqualified'
            : b.status === 'invalidated'
              ? 'withdrawn'
              : b.status === 'qualified'
                ? 'valid'
                : 'pending',
        tenderers: [{ id: b.supplierId, name: d.supplierNames[b.supplierId] ?? b.supplierId }],
        value: money(
          t.lots
            .find((l) => l.id === b.lotId)
            ?.estimatedVolumes.reduce(
              (s, v) => s + (b.prices.find((p) => p.unit === v.unit)?.unitPrice ?? 0) * v.quantity,
              0,
            ) ?? 0,
          t.currency,
        ),
        relatedLots: [b.lotId],
      })),
    };
  };
  const bidders = () =>
    [...new Set(d.bids.map((b) => b.supplierId))].map((s) => party(s, d.supplierNames[s] ?? s, ['tenderer']));
  // Each award release shows the decision as it was at its event (a revision replaces the
  // tender's own): the one an approval recorded, the one a revision withdrew, the one standing at
  // the completion. The tender's decision stands in for an event that does not carry it.
  const decisions = new Map<number, AwardDecision>();
  for (const e of tenderEvents) {
    const decision = e.action === 'tender.award-approved' ? decisionOf(e) : undefined;
    if (decision) decisions.set(decision.revision, decision);
  }
  let standing: AwardDecision | undefined;
  const decisionAt = (e: AuditLike): AwardDecision | undefined => {
    if (e.action === 'tender.award-approved') return decisionOf(e) ?? t.award;
    if (e.action === 'tender.award-revised') {
      const revision = withdrawnRevisionOf(e);
      return (revision === undefined ? undefined : decisions.get(revision)) ?? standing ?? t.award;
    }
    return standing ?? t.award;
  };
  for (const e of tenderEvents) {
    const sectionAt = (tags: string[], extra: Json = {}) => {
      const bids = bidsSection(e.at);
      return {
        ...base(e.at, e.seq, tags),
        parties: parties(bids ? bidders() : []),
        tender: { ...tenderSection(t, e.at, amendments, lang, names), procuringEntity: buyer },
        ...(bids ? { bids } : {}),
        ...extra,
      };
    };
    switch (e.action) {
      case 'tender.announced':
        releases.push(sectionAt(['tender']));
        break;
      case 'tender.deadline-extended':
      case 'tender.changed':
        amendments.push({
          id: `amendment-${e.seq}`,
          date: e.at,
          rationale:
            e.reason ??
            (e.action === 'tender.deadline-extended'
              ? phrases[lang].deadlineExtended
              : phrases[lang].tenderChanged),
        });
        releases.push(sectionAt(['tenderAmendment']));
        break;
      case 'tender.opened':
      case 'tender.lots-cancelled':
        releases.push(sectionAt(['tenderUpdate']));
        break;
      case 'tender.cancelled':
        releases.push(
          sectionAt(['tenderCancellation'], {
            tender: {
              ...tenderSection(t, e.at, amendments, lang, names),
              procuringEntity: buyer,
              status: 'cancelled',
            },
          }),
        );
        break;
      case 'tender.award-approved':
      case 'tender.award-revised':
      case 'tender.completed': {
        // Withdrawing a ranking (from evaluation) withdraws no decision: nothing to cancel. Read
        // from the status, which trails stored before also record right (their withdrawnRevision
        // named an earlier, already withdrawn decision).
        if (e.action === 'tender.award-revised' && !withdrewDecision(e)) break;
        const decision = decisionAt(e);
        standing = e.action === 'tender.award-approved' ? decision : undefined;
        if (!decision) break;
        const completed = e.action === 'tender.completed';
        const revised = e.action === 'tender.award-revised';
        const awards = decision.lots.flatMap((l) =>
          l.winners.map((w) => ({
            id: `${l.lotId}-${w.supplierId}`,
            title: `${l.lotId}: ${d.supplierNames[w.supplierId] ?? w.supplierId}`,
            status: revised ? 'cancelled' : completed ? 'active' : 'pending',
            date: decision.approvedAt,
            suppliers: [{ id: w.supplierId, name: d.supplierNames[w.supplierId] ?? w.supplierId }],
            relatedLots: [l.lotId],
            relatedBids: [w.bidId],
          })),
        );
        const suppliers = [...new Set(awards.map((a) => a.suppliers[0]?.id as string))].map((s) =>
          party(s, d.supplierNames[s] ?? s, ['supplier', 'tenderer']),
        );
        releases.push({
          ...sectionAt([revised ? 'awardUpdate' : completed ? 'awardUpdate' : 'award']),
          parties: parties([...bidders().filter((b) => !suppliers.some((s) => s.id === b.id)), ...suppliers]),
          awards,
        });
        if (completed) {
          releases.push({
            ...base(e.at, e.seq, ['contract']),
            id: `${ocid}-${e.seq}-contract`,
            parties: parties(suppliers),
            // Signed at the standstill's end: active then, whatever became of them since.
            contracts: d.agreements.map((a) => contractOf(a, t.currency, lang, names, 'active')),
          });
        }
        break;
      }
      default:
        break;
    }
  }
  // Changes to the framework agreements: options exercised and notice given (amendments: the
  // contract runs on, to its new end), the end of a notice (termination), expiry.
  for (const a of d.agreements) {
    const events = d.events.filter((e) => e.aggregateType === 'agreement' && e.aggregateId === a.id);
    for (const e of events) {
      if (
        e.action === 'agreement.option-exercised' ||
        e.action === 'agreement.terminated' ||
        e.action === 'agreement.termination-effective' ||
        e.action === 'agreement.expired'
      ) {
        const notice = e.action === 'agreement.terminated';
        const tag =
          e.action === 'agreement.option-exercised' || notice
            ? 'contractAmendment'
            : e.action === 'agreement.termination-effective'
              ? 'contractTermination'
              : 'contractUpdate';
        releases.push({
          ...base(e.at, e.seq, [tag]),
          id: `${ocid}-${a.id}-${e.seq}-${tag}`,
          parties: parties([
            party(a.supplierId, d.supplierNames[a.supplierId] ?? a.supplierId, ['supplier']),
          ]),
          contracts: [
            {
              ...contractOf(
                a,
                t.currency,
                lang,
                names,
                tag === 'contractAmendment' ? 'active' : 'terminated',
              ),
              ...(tag === 'contractAmendment'
                ? {
                    amendments: [
                      {
                        id: `${notice ? 'notice' : 'option'}-${e.seq}`,
                        date: e.at,
                        rationale: notice
                          ? phrases[lang].noticeGiven(a.termination?.endsOn ?? '')
                          : phrases[lang].optionExercised,
                        description: JSON.stringify(e.change),
                      },
                    ],
                  }
                : {}),
            },
          ],
        });
      }
    }
  }
  return releases.sort((x, y) => String(x.date).localeCompare(String(y.date)));
};

/**
 * The contract as OCDS publishes it: `status` the one the release says (the agreement's own by
 * default), the period ending at the effective end once notice is given.
 */
const contractOf = (
  a: Agreement,
  currency: string,
  lang: Language,
  names: ReferenceNames,
  status: 'active' | 'terminated' = a.status === 'terminated' || a.status === 'expired'
    ? 'terminated'
    : 'active',
) => {
  const ends = a.termination?.endsOn ?? a.endDate;
  return {
    id: a.id,
    awardID: `${a.lotId}-${a.supplierId}`,
    title: `${a.tenderTitle} – ${a.lotTitle}`,
    status,
    period: {
      startDate: `${a.startDate}T00:00:00Z`,
      ...(ends ? { endDate: `${ends}T23:59:59Z` } : {}),
    },
    items: a.volumes.map((v, i) => ({
      id: String(i + 1),
      description: termIn(lang, names.volumeUnit(v.unit), v.unit),
      quantity: v.quantity,
      unit: { name: v.unit, value: money(a.prices.find((p) => p.unit === v.unit)?.unitPrice ?? 0, currency) },
    })),
    hasOptions: a.options.length > 0,
    hasRenewal: a.options.length > 0,
    ...(a.options.length
      ? { renewal: { maximumRenewals: a.options.length, description: phrases[lang].renewal } }
      : {}),
  };
};
