/**
 * Risk flags for auditors (issue 14): conditions in an entity's tenders and agreements that
 * procurement auditors look at first, each computed from data the product stores, by a rule
 * written down in `riskRules` (the API returns the table beside the flags, the docs render it).
 * A flag is a reason to look, not a finding: every rule below has lawful explanations.
 *
 * Where each input comes from (all of one procuring entity):
 * - `tenders`: the tender items (functions/domain/tender.ts), as stored: lots, bid deadline in
 *   force, opening time, lot outcomes, the standing award decision.
 * - `bids`: the bid items of the tenders (functions/domain/bid.ts): supplier and status only, never
 *   their content. They are read only for tenders that have been opened (sealed before).
 * - `events`: the tender aggregates' audit events (functions/domain/audit.ts, aggregate type
 *   `tender`) with the actions in `RISK_EVENT_ACTIONS`: the deadline extensions and material changes
 *   with their times (tender-lifecycle.ts `extendDeadline`, `changeMaterially`), the award decisions
 *   (`approveAward`, whose change holds the decision) and their withdrawals (`reviseAward`, with the
 *   reason). Other events are ignored.
 * - `agreements`: the framework agreement items (functions/domain/agreement.ts): planned period,
 *   options and the options exercised (`optionsExercised`, with when), notice given.
 * - `years` and `amendments`: the annual performance agreements (functions/domain/performance.ts)
 *   with their agreed volume lines, and the amendments of those years (amendment.ts) with their
 *   confirmation times.
 *
 * `now` bounds the view: facts dated after it (events, awards, openings, exercised options,
 * confirmed amendments) are left out, so an export read "as of" a past day gives the flags of that
 * day, as far as the stored items allow (a bid's status is its latest). Flags come newest first.
 * Pure: no AWS, no I/O.
 */
import { type Agreement, addDays, addMonths, replacedAgreementIds } from './agreement.ts';
import type { AuditEvent } from './audit.ts';
import { type Bid, isValidBid } from './bid.ts';
import { answersOldContent } from './opening.ts';
import type { Amendment, PerformanceYear } from './performance.ts';
import { type AwardDecision, lotServiceAreaIds, type Tender } from './tender.ts';

const DAY_MS = 86_400_000;

/** A change (deadline extension or material change) this many days or fewer before the bid deadline in force is late. */
export const LATE_CHANGE_DAYS = 7;
/** A lot with exactly this many valid bids at the opening has a single bidder. */
export const SINGLE_BIDDER_BIDS = 1;
/** Awards of the same lot scope (hospital areas + specialties) to one supplier, in different tenders, that make a repeat winner. */
export const REPEAT_WINNER_COUNT = 3;
/** Confirmed amendments moving at least this share (percent) of a unit's agreed volume in a year. */
export const AMENDMENT_SHARE_PERCENT = 20;
/** Exercised options extending an agreement by at least this share (percent) of its planned term. */
export const OPTIONS_EXTENSION_PERCENT = 50;
/** The longest term of a framework agreement save in duly justified cases (Directive 2014/24/EU art. 33(1)). */
export const FRAMEWORK_MAX_MONTHS = 48;

export const riskRuleIds = [
  'single-bidder',
  'late-change',
  'repeat-winner',
  'award-revised',
  'amendment-share',
  'options-past-plan',
] as const;
export type RiskRule = (typeof riskRuleIds)[number];
export type RiskSeverity = 'info' | 'warning';

/** One rule as auditors read it next to its flags. */
export interface RiskRuleSpec {
  id: RiskRule;
  title: string;
  /** The exact rule, in one or two sentences. */
  rule: string;
  /** When a flag is a warning rather than information. */
  severity: string;
  /** The thresholds by their constant's name. */
  thresholds: Record<string, number>;
  /** What it reads of the product's data. */
  reads: string;
  /** Why an auditor cares, with the practice it comes from. */
  why: string;
}

export const riskRules: readonly RiskRuleSpec[] = [
  {
    id: 'single-bidder',
    title: 'Single bidder on a lot',
    rule: `A lot that was open at the opening and had exactly ${SINGLE_BIDDER_BIDS} valid bid then: withdrawn bids and bids invalidated by a change of the tender do not count, rejected (disqualified) bids do. Flagged at the opening.`,
    severity: 'Always a warning.',
    thresholds: { SINGLE_BIDDER_BIDS },
    reads:
      'The tender (opening time, lots, lot outcomes) and its bids (supplier and status only), once opened.',
    why: 'Single bidding is the standard red flag of procurement integrity indicators (the European Commission’s Single Market Scoreboard counts the share of procedures with one bidder): without competition the price and the specification deserve a second look.',
  },
  {
    id: 'late-change',
    title: 'Deadline extended or tender changed in the last days',
    rule: `A deadline extension or a material change of an announced tender recorded ${LATE_CHANGE_DAYS} days or less before the bid deadline in force at that moment.`,
    severity: `A material change is a warning unless the deadline was later moved to give bidders at least ${LATE_CHANGE_DAYS} days after it (then information); an extension is information.`,
    thresholds: { LATE_CHANGE_DAYS },
    reads:
      "The tender's audit events tender.deadline-extended and tender.changed (time, deadline before and after, affected lots, reason); for an opened tender the bids' receipt times.",
    why: 'Changes close to the deadline can favour an insider who knew of them beforehand, and an extension at the last minute can let in a bidder that would have been late; Directive 2014/24/EU art. 47(3) asks that time limits be extended in proportion to significant changes.',
  },
  {
    id: 'repeat-winner',
    title: 'Same supplier winning the same lot repeatedly',
    rule: `A supplier awarded the same lot scope (the same hospital areas and the same specialties) in at least ${REPEAT_WINNER_COUNT} different tenders of the entity, counting the standing award decisions of tenders in standstill or complete. Flagged at the award that reached the count.`,
    severity: 'Always information.',
    thresholds: { REPEAT_WINNER_COUNT },
    reads:
      "The tenders' standing award decisions (winners per lot, approval time) and their lots' hospital areas and specialties.",
    why: 'Recurring awards of one market to one supplier are how market sharing and bid rotation show (OECD Guidelines for Fighting Bid Rigging in Public Procurement), and entrenched incumbents weaken competition for the next round.',
  },
  {
    id: 'award-revised',
    title: 'Award decision revised',
    rule: 'An approved award decision (in its standstill period) withdrawn for revision; the next decision is the next revision (revision > 1). Withdrawing a ranking not yet decided is not flagged.',
    severity:
      'A warning when the next decision named other winners in some lot; information when it kept the winners or is still to come.',
    thresholds: {},
    reads:
      "The tender's audit events tender.award-revised (time, reason, withdrawn revision) and tender.award-approved (each revision's winners); without those events, a standing decision with revision > 1.",
    why: 'A withdrawn award usually follows a complaint or an error in the evaluation; when the winners change, the reason recorded must explain why the first evaluation was wrong (the standstill of the Remedies Directive 2007/66/EC exists so such decisions can be challenged).',
  },
  {
    id: 'amendment-share',
    title: 'Large share of a year’s volume moved by amendments',
    rule: `Confirmed amendments of one annual performance agreement that together move (the sum of their absolute changes) at least ${AMENDMENT_SHARE_PERCENT}% of the volume agreed for the year in one volume unit. Flagged at the confirmation that reached the share.`,
    severity: 'Always a warning.',
    thresholds: { AMENDMENT_SHARE_PERCENT },
    reads: "The year's agreed volume lines and its amendments (unit, change, status, confirmation time).",
    why: "Directive 2014/24/EU art. 72(2) tolerates modifications without a new procedure only up to 10% of a services contract's value; volumes moved well beyond that within a year suggest the competed volume was not the real one, or an award without competition.",
  },
  {
    id: 'options-past-plan',
    title: 'Agreement running on options past its planned end',
    rule: `An agreement whose exercised options move its end past the planned end by at least ${OPTIONS_EXTENSION_PERCENT}% of the planned term, or that has used its last option. Flagged at the option that met it; notice that ends the agreement by its planned end cancels it.`,
    severity: `A warning when the whole term (planned term and options) exceeds ${FRAMEWORK_MAX_MONTHS} months; information otherwise.`,
    thresholds: { OPTIONS_EXTENSION_PERCENT, FRAMEWORK_MAX_MONTHS },
    reads:
      'The agreement (start, end, options, options exercised with when, notice) and the tenders that name it as replaced.',
    why: 'Options are part of the competed contract, but running on them postpones the next competition; a framework agreement lasts at most four years save in duly justified cases (Directive 2014/24/EU art. 33(1)), and with the last option used the successor procurement must already be under way.',
  },
];

/** The audit actions the rules read; the loader may read only these. */
export const RISK_EVENT_ACTIONS = [
  'tender.deadline-extended',
  'tender.changed',
  'tender.award-approved',
  'tender.award-revised',
] as const;

export type RiskTender = Pick<
  Tender,
  | 'id'
  | 'title'
  | 'status'
  | 'serviceAreaIds'
  | 'lots'
  | 'bidDeadline'
  | 'openedAt'
  | 'lotOutcomes'
  | 'award'
  | 'contentRevision'
  | 'replacesAgreementIds'
  | 'fromAgreementId'
>;
export type RiskBid = Pick<
  Bid,
  'tenderId' | 'lotId' | 'supplierId' | 'status' | 'receivedAt' | 'tenderRevision'
>;
export type RiskEvent = Pick<AuditEvent, 'aggregateType' | 'aggregateId' | 'seq' | 'at' | 'action'> &
  Partial<Pick<AuditEvent, 'reason' | 'change'>>;
export type RiskAgreement = Pick<
  Agreement,
  | 'id'
  | 'lotId'
  | 'lotTitle'
  | 'supplierId'
  | 'startDate'
  | 'endDate'
  | 'options'
  | 'optionsExercised'
  | 'termination'
> & { tenderId?: string | undefined };
export type RiskYear = Pick<PerformanceYear, 'agreementId' | 'supplierId' | 'year' | 'lines'>;
export type RiskAmendment = Pick<
  Amendment,
  'id' | 'agreementId' | 'year' | 'unit' | 'delta' | 'status' | 'reason' | 'confirmedAt'
>;

/** What the product holds of one entity, as far as the rules read it. */
export interface RiskInput {
  tenders: RiskTender[];
  bids: RiskBid[];
  events: RiskEvent[];
  agreements: RiskAgreement[];
  years: RiskYear[];
  amendments: RiskAmendment[];
}

export interface RiskFlag {
  rule: RiskRule;
  severity: RiskSeverity;
  aggregate: { type: 'tender' | 'agreement'; id: string };
  lotId?: string;
  supplierId?: string;
  /** When the condition arose (ISO 8601). */
  at: string;
  /** One sentence an auditor reads, with the figures. */
  detail: string;
  evidence: Record<string, unknown>;
}

const day = (iso: string): string => iso.slice(0, 10);
const oneDecimal = (n: number): number => Math.round(n * 10) / 10;
const twoDecimals = (n: number): number => Math.round(n * 100) / 100;
const ordinal = (n: number): string => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`);
const list = (ids: string[]): string => (ids.length ? ids.join(', ') : 'none');
const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;

/** `{ from, to }` of a changed field in an audit change (tender.ts `diff`, `extendDeadline`). */
const fromTo = (change: unknown, field: string): { from?: unknown; to?: unknown } =>
  record(record(change)?.[field]) ?? {};

/** The tender events of the rules, dated by `now` at the latest, per tender in their order. */
const eventsByTender = (events: RiskEvent[], now: Date): Map<string, RiskEvent[]> => {
  const actions = new Set<string>(RISK_EVENT_ACTIONS);
  const byTender = new Map<string, RiskEvent[]>();
  for (const e of events) {
    if (e.aggregateType !== 'tender' || !actions.has(e.action) || Date.parse(e.at) > now.getTime()) continue;
    byTender.set(e.aggregateId, [...(byTender.get(e.aggregateId) ?? []), e]);
  }
  for (const list of byTender.values()) list.sort((a, b) => a.seq - b.seq);
  return byTender;
};

const singleBidder = (input: RiskInput, now: Date): RiskFlag[] =>
  input.tenders.flatMap((t) => {
    const openedAt = t.openedAt;
    // Before the opening the bids are sealed: their number is not read.
    if (!openedAt || Date.parse(openedAt) > now.getTime()) return [];
    return t.lots.flatMap((lot): RiskFlag[] => {
      const outcome = t.lotOutcomes?.[lot.id];
      if (outcome?.status === 'cancelled' && outcome.at <= openedAt) return [];
      const bids = input.bids.filter((b) => b.tenderId === t.id && b.lotId === lot.id);
      const valid = bids.filter((b) => isValidBid(b) && !answersOldContent(b, t));
      const only = valid[0];
      if (valid.length !== SINGLE_BIDDER_BIDS || !only) return [];
      const withdrawn = bids.filter((b) => b.status === 'withdrawn').length;
      const invalidated = bids.length - valid.length - withdrawn;
      return [
        {
          rule: 'single-bidder',
          severity: 'warning',
          aggregate: { type: 'tender', id: t.id },
          lotId: lot.id,
          supplierId: only.supplierId,
          at: openedAt,
          detail: `Lot "${lot.title}" of tender "${t.title}" had one valid bid at the opening on ${day(openedAt)}, from ${only.supplierId} (${withdrawn} withdrawn and ${invalidated} invalidated bid(s) not counted).`,
          evidence: {
            openedAt,
            validBids: valid.length,
            withdrawnBids: withdrawn,
            invalidatedBids: invalidated,
            bidStatus: only.status,
            lotOutcome: outcome?.status ?? 'open',
          },
        },
      ];
    });
  });

const lateChange = (input: RiskInput, now: Date, events: Map<string, RiskEvent[]>): RiskFlag[] =>
  input.tenders.flatMap((t) => {
    const trail = events.get(t.id) ?? [];
    const opened = t.openedAt !== undefined && Date.parse(t.openedAt) <= now.getTime();
    return trail.flatMap((e, i): RiskFlag[] => {
      const extension = e.action === 'tender.deadline-extended';
      if (!extension && e.action !== 'tender.changed') return [];
      // The deadline in force when the event was recorded: an extension's own "from"; for a
      // change, the "from" of the next extension after it, or the deadline the tender has now.
      const next = trail.slice(i + 1).find((x) => x.action === 'tender.deadline-extended');
      const inForce = String(
        (extension ? fromTo(e.change, 'bidDeadline').from : fromTo(next?.change, 'bidDeadline').from) ??
          t.bidDeadline,
      );
      const left = Date.parse(inForce) - Date.parse(e.at);
      if (!(left >= 0 && left <= LATE_CHANGE_DAYS * DAY_MS)) return [];
      const daysLeft = oneDecimal(left / DAY_MS);
      const base = {
        rule: 'late-change' as const,
        aggregate: { type: 'tender' as const, id: t.id },
        at: e.at,
      };
      if (extension) {
        const to = String(fromTo(e.change, 'bidDeadline').to ?? t.bidDeadline);
        // Once opened, who got in only thanks to the extension (their final submission came after the old deadline).
        const lateBidders = opened
          ? [
              ...new Set(
                input.bids
                  .filter((b) => b.tenderId === t.id && isValidBid(b) && b.receivedAt >= inForce)
                  .map((b) => b.supplierId),
              ),
            ].sort()
          : undefined;
        return [
          {
            ...base,
            severity: 'info',
            detail: `The bid deadline of tender "${t.title}" was extended ${daysLeft} day(s) before it fell due (${inForce} → ${to})${e.reason ? `, because: ${e.reason}` : ''}${lateBidders?.length ? `; final bids after the old deadline came from ${list(lateBidders)}` : ''}.`,
            evidence: {
              action: e.action,
              deadlineInForce: inForce,
              extendedTo: to,
              daysBeforeDeadline: daysLeft,
              reason: e.reason ?? null,
              ...(lateBidders ? { bidsAfterOldDeadline: lateBidders } : {}),
            },
          },
        ];
      }
      const affected = record(e.change)?.affectedLotIds;
      const lotIds = Array.isArray(affected) ? affected.map(String) : [];
      const given = Date.parse(t.bidDeadline) - Date.parse(e.at);
      const enough = given >= LATE_CHANGE_DAYS * DAY_MS;
      const lot = lotIds.length === 1 ? lotIds[0] : undefined;
      return [
        {
          ...base,
          severity: enough ? 'info' : 'warning',
          ...(lot ? { lotId: lot } : {}),
          detail: `Tender "${t.title}" was changed materially ${daysLeft} day(s) before its bid deadline ${inForce} (lots ${list(lotIds)}${e.reason ? `; ${e.reason}` : ''}), and bidders had ${oneDecimal(given / DAY_MS)} day(s) to the final deadline ${t.bidDeadline}.`,
          evidence: {
            action: e.action,
            deadlineInForce: inForce,
            daysBeforeDeadline: daysLeft,
            finalDeadline: t.bidDeadline,
            daysGivenAfterChange: oneDecimal(given / DAY_MS),
            affectedLotIds: lotIds,
            reason: e.reason ?? null,
          },
        },
      ];
    });
  });

/** The lot scope a repeat win is counted on: the same hospital areas and the same specialties. */
export const lotScopeKey = (hospitalAreaIds: string[], serviceAreaIds: string[]): string =>
  `${[...hospitalAreaIds].sort().join('+')}|${[...serviceAreaIds].sort().join('+')}`;

const repeatWinner = (input: RiskInput, now: Date): RiskFlag[] => {
  type Win = {
    tenderId: string;
    tenderTitle: string;
    lotId: string;
    at: string;
    winners: number;
    hospitalAreaIds: string[];
    serviceAreaIds: string[];
  };
  const wins = new Map<string, Win[]>();
  for (const t of input.tenders) {
    const award = t.award;
    // A standing decision: in standstill or complete (a revised one is back in evaluation).
    if (!award || (t.status !== 'standstill' && t.status !== 'complete')) continue;
    if (Date.parse(award.approvedAt) > now.getTime()) continue;
    for (const l of award.lots) {
      const lot = t.lots.find((x) => x.id === l.lotId);
      if (l.status !== 'awarded' || !lot) continue;
      const serviceAreaIds = lotServiceAreaIds(t, lot);
      for (const w of l.winners) {
        const key = `${w.supplierId}|${lotScopeKey(lot.hospitalAreaIds, serviceAreaIds)}`;
        const seen = wins.get(key) ?? [];
        // Different tenders: two lots of one tender with the same scope are one win.
        if (seen.some((s) => s.tenderId === t.id)) continue;
        seen.push({
          tenderId: t.id,
          tenderTitle: t.title,
          lotId: l.lotId,
          at: award.approvedAt,
          winners: l.winners.length,
          hospitalAreaIds: [...lot.hospitalAreaIds].sort(),
          serviceAreaIds: [...serviceAreaIds].sort(),
        });
        wins.set(key, seen);
      }
    }
  }
  return [...wins.entries()].flatMap(([key, seen]): RiskFlag[] => {
    if (seen.length < REPEAT_WINNER_COUNT) return [];
    seen.sort((a, b) => a.at.localeCompare(b.at) || a.tenderId.localeCompare(b.tenderId));
    const reached = seen[REPEAT_WINNER_COUNT - 1] as Win;
    const supplierId = key.slice(0, key.indexOf('|'));
    return [
      {
        rule: 'repeat-winner',
        severity: 'info',
        aggregate: { type: 'tender', id: reached.tenderId },
        lotId: reached.lotId,
        supplierId,
        at: reached.at,
        detail: `${supplierId} has won the lot covering ${reached.hospitalAreaIds.join(' + ')} in ${reached.serviceAreaIds.join(', ')} in ${seen.length} tenders (${seen.map((s) => s.tenderId).join(', ')}), the ${ordinal(REPEAT_WINNER_COUNT)} award on ${day(reached.at)}.`,
        evidence: {
          awards: seen.length,
          hospitalAreaIds: reached.hospitalAreaIds,
          serviceAreaIds: reached.serviceAreaIds,
          wins: seen.map((s) => ({
            tenderId: s.tenderId,
            tenderTitle: s.tenderTitle,
            lotId: s.lotId,
            approvedAt: s.at,
            winnersInLot: s.winners,
          })),
        },
      },
    ];
  });
};

type DecisionLots = Pick<AwardDecision, 'lots'>;
const isDecision = (v: unknown): v is AwardDecision & DecisionLots =>
  typeof record(v)?.revision === 'number' && Array.isArray(record(v)?.lots);

/** The lots whose winners differ between two decisions (a lot awarded in one and not the other included). */
const changedWinners = (before: DecisionLots, after: DecisionLots) => {
  const winners = (d: DecisionLots, lotId: string) =>
    (d.lots.find((l) => l.lotId === lotId && l.status === 'awarded')?.winners ?? [])
      .map((w) => w.supplierId)
      .sort();
  const lotIds = [...new Set([...before.lots, ...after.lots].map((l) => l.lotId))].sort();
  return lotIds
    .map((lotId) => ({ lotId, before: winners(before, lotId), after: winners(after, lotId) }))
    .filter((l) => l.before.join() !== l.after.join());
};

const awardRevised = (input: RiskInput, now: Date, events: Map<string, RiskEvent[]>): RiskFlag[] =>
  input.tenders.flatMap((t): RiskFlag[] => {
    const trail = events.get(t.id) ?? [];
    const decisions = new Map<number, AwardDecision>();
    for (const e of trail) {
      const award = record(e.change)?.award;
      if (e.action === 'tender.award-approved' && isDecision(award)) decisions.set(award.revision, award);
    }
    if (t.award && Date.parse(t.award.approvedAt) <= now.getTime()) decisions.set(t.award.revision, t.award);
    // Only a decision that stood (standstill) is revised; withdrawing a ranking not yet decided is not.
    const revisions = trail.filter(
      (e) => e.action === 'tender.award-revised' && fromTo(e.change, 'status').from === 'standstill',
    );
    const flags = revisions.map((e): RiskFlag => {
      const withdrawn = Number(record(e.change)?.withdrawnRevision ?? t.award?.revision ?? 1);
      const before = decisions.get(withdrawn);
      const after = decisions.get(withdrawn + 1);
      const changed = before && after ? changedWinners(before, after) : [];
      const lot = changed.length === 1 ? changed[0]?.lotId : undefined;
      const outcome = !after
        ? 'no new decision yet'
        : changed.length
          ? `revision ${withdrawn + 1} changed the winners of ${changed.map((c) => `${c.lotId} (${list(c.before)} → ${list(c.after)})`).join(', ')}`
          : `revision ${withdrawn + 1} kept the winners`;
      return {
        rule: 'award-revised',
        severity: changed.length ? 'warning' : 'info',
        aggregate: { type: 'tender', id: t.id },
        ...(lot ? { lotId: lot } : {}),
        at: e.at,
        detail: `The award decision of tender "${t.title}" (revision ${withdrawn}${before ? `, approved ${day(before.approvedAt)}` : ''}) was withdrawn on ${day(e.at)}${e.reason ? ` because: ${e.reason}` : ''}; ${outcome}.`,
        evidence: {
          withdrawnRevision: withdrawn,
          withdrawnApprovedAt: before?.approvedAt ?? null,
          reason: e.reason ?? null,
          newRevision: after ? after.revision : null,
          newApprovedAt: after?.approvedAt ?? null,
          changedLots: changed,
        },
      };
    });
    // Without the trail, the standing decision still says it is not the first.
    const award = t.award;
    if (!revisions.length && award && award.revision > 1 && Date.parse(award.approvedAt) <= now.getTime())
      flags.push({
        rule: 'award-revised',
        severity: 'info',
        aggregate: { type: 'tender', id: t.id },
        at: award.approvedAt,
        detail: `The award decision of tender "${t.title}" standing now is revision ${award.revision}, approved ${day(award.approvedAt)}; the events of the earlier revisions were not among those read.`,
        evidence: { revision: award.revision, approvedAt: award.approvedAt, source: 'tender' },
      });
    return flags;
  });

const amendmentShare = (input: RiskInput, now: Date): RiskFlag[] =>
  input.years.flatMap((y) => {
    const agreement = input.agreements.find((a) => a.id === y.agreementId);
    const confirmed = input.amendments
      .filter(
        (a) =>
          a.agreementId === y.agreementId &&
          a.year === y.year &&
          a.status === 'confirmed' &&
          a.confirmedAt !== undefined &&
          Date.parse(a.confirmedAt) <= now.getTime(),
      )
      .sort((a, b) => (a.confirmedAt as string).localeCompare(b.confirmedAt as string));
    const units = [...new Set(confirmed.map((a) => a.unit))].sort();
    return units.flatMap((unit): RiskFlag[] => {
      const agreed = y.lines.filter((l) => l.unit === unit).reduce((s, l) => s + l.volume, 0);
      const ofUnit = confirmed.filter((a) => a.unit === unit);
      let moved = 0;
      // The confirmation at which the moved volume reached the share (× 100: exact for whole volumes).
      const reached = ofUnit.find((a) => {
        moved += Math.abs(a.delta);
        return moved > 0 && moved * 100 >= AMENDMENT_SHARE_PERCENT * agreed;
      });
      if (!reached?.confirmedAt) return [];
      const total = ofUnit.reduce((s, a) => s + Math.abs(a.delta), 0);
      const net = ofUnit.reduce((s, a) => s + a.delta, 0);
      const share = agreed > 0 ? oneDecimal((total / agreed) * 100) : null;
      return [
        {
          rule: 'amendment-share',
          severity: 'warning',
          aggregate: { type: 'agreement', id: y.agreementId },
          ...(agreement ? { lotId: agreement.lotId } : {}),
          supplierId: y.supplierId,
          at: reached.confirmedAt,
          detail: `Confirmed amendments of ${y.supplierId}'s ${y.year} performance agreement moved ${total} ${unit} (net ${net >= 0 ? '+' : ''}${net}), ${share === null ? 'with none agreed' : `${share}% of the ${agreed} agreed`}; ${AMENDMENT_SHARE_PERCENT}% was reached on ${day(reached.confirmedAt)}.`,
          evidence: {
            year: y.year,
            unit,
            agreedVolume: agreed,
            movedVolume: total,
            netChange: net,
            sharePercent: share,
            amendments: ofUnit.map((a) => ({
              id: a.id,
              delta: a.delta,
              reason: a.reason,
              confirmedAt: a.confirmedAt,
            })),
          },
        },
      ];
    });
  });

/** Months from one day to another (yyyy-mm-dd), calendar months plus the fraction of the last one. */
export const monthsBetween = (from: string, to: string): number => {
  let whole = 0;
  while (addMonths(from, whole + 1) <= to) whole++;
  const a = Date.parse(addMonths(from, whole));
  const b = Date.parse(addMonths(from, whole + 1));
  return whole + (Date.parse(to) - a) / (b - a);
};

const optionsPastPlan = (input: RiskInput, now: Date): RiskFlag[] =>
  input.agreements.flatMap((a): RiskFlag[] => {
    const exercised = (a.optionsExercised ?? [])
      .filter((o) => Date.parse(o.at) <= now.getTime())
      .sort((x, y) => x.index - y.index);
    const first = exercised[0];
    if (!first) return [];
    const plannedEnd = first.from;
    const cut = (end: string) => (a.termination && a.termination.endsOn < end ? a.termination.endsOn : end);
    const plannedMonths = monthsBetween(a.startDate, addDays(plannedEnd, 1));
    const met = exercised.find((o, i) => {
      const extension = monthsBetween(addDays(plannedEnd, 1), addDays(cut(o.to), 1));
      const last = o.index === a.options.length - 1 || i === a.options.length - 1;
      return cut(o.to) > plannedEnd && (last || extension * 100 >= OPTIONS_EXTENSION_PERCENT * plannedMonths);
    });
    if (!met) return [];
    const runsUntil = cut((exercised.at(-1) as (typeof exercised)[number]).to);
    const extensionMonths = monthsBetween(addDays(plannedEnd, 1), addDays(runsUntil, 1));
    const totalMonths = monthsBetween(a.startDate, addDays(runsUntil, 1));
    const lastOptionUsed = exercised.length >= a.options.length;
    const percent = Math.round((extensionMonths / plannedMonths) * 100);
    const successors = input.tenders
      .filter((t) => replacedAgreementIds(t).includes(a.id))
      .map((t) => t.id)
      .sort();
    const beyondMaximum = totalMonths > FRAMEWORK_MAX_MONTHS;
    const today = now.toISOString().slice(0, 10);
    return [
      {
        rule: 'options-past-plan',
        severity: beyondMaximum ? 'warning' : 'info',
        aggregate: { type: 'agreement', id: a.id },
        lotId: a.lotId,
        supplierId: a.supplierId,
        at: met.at,
        detail: `The agreement with ${a.supplierId} for "${a.lotTitle}", planned to end ${plannedEnd}, ${today > plannedEnd ? 'runs' : 'will run'} to ${runsUntil} on ${exercised.length} of ${a.options.length} option(s): ${twoDecimals(extensionMonths)} months beyond a ${twoDecimals(plannedMonths)}-month term (${percent}%), ${twoDecimals(totalMonths)} months in all${lastOptionUsed ? ', no option left' : ''}${successors.length ? `; successor tender(s) ${list(successors)}` : '; no successor tender names it'}.`,
        evidence: {
          startDate: a.startDate,
          plannedEnd,
          runsUntil,
          plannedTermMonths: twoDecimals(plannedMonths),
          extensionMonths: twoDecimals(extensionMonths),
          extensionPercent: percent,
          totalTermMonths: twoDecimals(totalMonths),
          beyondFrameworkMaximum: beyondMaximum,
          optionsExercised: exercised.map((o) => ({ index: o.index, at: o.at, from: o.from, to: o.to })),
          optionsTotal: a.options.length,
          lastOptionUsed,
          runningOnOptions: today > plannedEnd,
          noticeEndsOn: a.termination?.endsOn ?? null,
          successorTenderIds: successors,
        },
      },
    ];
  });

const ruleOrder = (r: RiskRule) => riskRuleIds.indexOf(r);

/** Every risk flag of the entity's data as of `now`, newest first (ties: rule, aggregate, lot, supplier). */
export const riskFlags = (input: RiskInput, now: Date): RiskFlag[] => {
  const events = eventsByTender(input.events, now);
  return [
    ...singleBidder(input, now),
    ...lateChange(input, now, events),
    ...repeatWinner(input, now),
    ...awardRevised(input, now, events),
    ...amendmentShare(input, now),
    ...optionsPastPlan(input, now),
  ].sort(
    (x, y) =>
      Date.parse(y.at) - Date.parse(x.at) ||
      ruleOrder(x.rule) - ruleOrder(y.rule) ||
      x.aggregate.id.localeCompare(y.aggregate.id) ||
      (x.lotId ?? '').localeCompare(y.lotId ?? '') ||
      (x.supplierId ?? '').localeCompare(y.supplierId ?? ''),
  );
};
