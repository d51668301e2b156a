/**
 * Every deadline that needs someone's attention, across tenders and agreements, as one list soonest
 * first: what it is, whose it is (the aggregate), and where to read it. Pure: the tenders,
 * agreements and performance years in; the deadlines out. Who sees which is decided here too
 * (`visibleTo`): the entity's people see all of their entity's; a supplier its own agreements' and
 * its own renegotiation answers, and the bid deadlines of announced tenders (public).
 */
import type { Agreement } from './agreement.ts';
import { decided, optionDeadline } from './agreement-filters.ts';
import { endsOn } from './agreement-lifecycle.ts';
import { officerDeadline, type PerformanceYear } from './performance.ts';
import { nextReview } from './reminders.ts';
import type { Tender } from './tender.ts';

export const deadlineKinds = [
  'bid-deadline',
  'ranking-request',
  'award-decision',
  'standstill-end',
  'agreement-end',
  'option-deadline',
  'review',
  'renegotiation-answer',
] as const;
export type DeadlineKind = (typeof deadlineKinds)[number];
/** The kinds a tender has; the others are an agreement's (or its years'). */
export const tenderDeadlineKinds: readonly DeadlineKind[] = [
  'bid-deadline',
  'ranking-request',
  'award-decision',
  'standstill-end',
];

export interface Deadline {
  /** The instant it falls due (a day-only deadline: the end of that day, UTC). */
  due: string;
  kind: DeadlineKind;
  /** What it is, in words. */
  title: string;
  aggregate: { type: 'tender' | 'agreement' | 'performance'; id: string; year?: number };
  entityId: string;
  /** The API resource to read it at. */
  link: string;
  /** Whose move it is (a renegotiation answer), or who decides. */
  party?: 'officer' | 'supplier';
  /** The agreement's supplier (agreements and their years). */
  supplierId?: string;
  /** For an agreement's end or option: no renewal decision answers it yet. */
  needsDecision?: boolean;
  /** For an agreement's end: the end after notice (terminated). */
  afterNotice?: boolean;
}

const DAY_MS = 86_400_000;
const endOfDay = (day: string) => `${day}T23:59:59.999Z`;
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** How long the tender workflow waits for people (functions/services/workflow/waits.ts passes them in). */
export interface TenderWaits {
  /** From the opening to the officer's request for the ranking, in seconds. */
  evaluationSeconds: number;
  /** From the ranking to the award decision, in seconds. */
  awardDecisionSeconds: number;
}

/**
 * A tender's next deadline: its bid deadline while open; after the opening, the request for the
 * ranking (a revised award waits again from its revision, which the tender does not date: not
 * listed); the award decision after the ranking; the standstill's end.
 */
export const tenderDeadlines = (
  t: Pick<
    Tender,
    | 'id'
    | 'entityId'
    | 'title'
    | 'status'
    | 'bidDeadline'
    | 'openedAt'
    | 'rankedAt'
    | 'rankingRequestedAt'
    | 'award'
  >,
  waits: TenderWaits,
): Deadline[] => {
  const base = {
    aggregate: { type: 'tender' as const, id: t.id },
    entityId: t.entityId,
    link: `/tenders/${t.id}`,
  };
  if (t.status === 'tendering')
    return [{ ...base, due: t.bidDeadline, kind: 'bid-deadline', title: `Bid deadline: ${t.title}` }];
  if (t.status === 'evaluation' && t.openedAt && !t.rankingRequestedAt && !t.award)
    return [
      {
        ...base,
        due: plus(t.openedAt, waits.evaluationSeconds),
        kind: 'ranking-request',
        title: `Qualify, score and ask for the ranking (else the tender ends without a result): ${t.title}`,
        party: 'officer',
      },
    ];
  if (t.status === 'evaluation' && t.rankedAt)
    return [
      {
        ...base,
        due: plus(t.rankedAt, waits.awardDecisionSeconds),
        kind: 'award-decision',
        title: `Award decision due (else the tender ends without a result): ${t.title}`,
        party: 'officer',
      },
    ];
  if (t.status === 'standstill' && t.award)
    return [
      {
        ...base,
        due: t.award.standstillEndsAt,
        kind: 'standstill-end',
        title: `Standstill ends, the agreements are made: ${t.title}`,
      },
    ];
  return [];
};

type AgreementForDeadlines = Pick<
  Agreement,
  | 'id'
  | 'entityId'
  | 'supplierId'
  | 'tenderTitle'
  | 'lotTitle'
  | 'status'
  | 'startDate'
  | 'endDate'
  | 'openEnded'
  | 'options'
  | 'optionsExercised'
  | 'optionNoticeDays'
  | 'renewalDecision'
  | 'termination'
>;

/**
 * A running agreement's deadlines on `today`: its end (the effective end once notice is given), the next option's last day while it can be exercised, the yearly review of an
 * open-ended one, and the renegotiation answers due in its years (whose move it is).
 */
export const agreementDeadlines = (
  a: AgreementForDeadlines,
  years: Pick<
    PerformanceYear,
    'year' | 'status' | 'supplierDeadline' | 'escalatedAt' | 'approvedAt' | 'notAgreedInTimeAt'
  >[],
  today: string,
): Deadline[] => {
  if (a.status === 'expired') return [];
  // A registered agreement's title often names its lot already.
  const name = a.tenderTitle.includes(a.lotTitle) ? a.tenderTitle : `${a.tenderTitle} – ${a.lotTitle}`;
  const base = {
    aggregate: { type: 'agreement' as const, id: a.id },
    entityId: a.entityId,
    supplierId: a.supplierId,
    link: `/agreements/${a.id}`,
  };
  const out: Deadline[] = [];
  const ends = endsOn(a);
  if (ends && ends >= today) {
    const afterNotice = Boolean(a.termination);
    out.push({
      ...base,
      due: endOfDay(ends),
      kind: 'agreement-end',
      title: `${afterNotice ? 'Ends after notice' : 'Agreement ends'}: ${name}`,
      ...(afterNotice ? { afterNotice: true } : { needsDecision: !decided(a) }),
    });
  }
  const lastDay = optionDeadline(a);
  if (lastDay && lastDay >= today)
    out.push({
      ...base,
      due: endOfDay(lastDay),
      kind: 'option-deadline',
      title: `Last day to exercise option ${(a.optionsExercised?.length ?? 0) + 1}: ${name}`,
      party: 'officer',
      needsDecision: !decided(a),
    });
  if (a.openEnded && !a.termination && (a.status === 'active' || a.status === 'extended'))
    out.push({
      ...base,
      due: endOfDay(nextReview(a.startDate, today)),
      kind: 'review',
      title: `Yearly review of the open-ended agreement: ${name}`,
      party: 'officer',
    });
  if (a.status !== 'terminated')
    for (const y of years) {
      const answer = renegotiationAnswer(y);
      if (!answer || answer.due.slice(0, 10) < today) continue;
      out.push({
        ...base,
        aggregate: { type: 'performance', id: a.id, year: y.year },
        link: `/agreements/${a.id}/years/${y.year}`,
        due: answer.due,
        kind: 'renegotiation-answer',
        title: `${answer.party === 'supplier' ? "The supplier's answer" : "The officer's move"} on the ${y.year} performance agreement: ${name}`,
        party: answer.party,
      });
    }
  return out;
};

/** Whose move a year's renegotiation waits for, and by when; nothing once it is approved or published. */
export const renegotiationAnswer = (
  y: Pick<PerformanceYear, 'year' | 'status' | 'supplierDeadline' | 'escalatedAt' | 'approvedAt'>,
): { party: 'officer' | 'supplier'; due: string } | undefined => {
  if (y.status === 'published' || (y.status === 'agreed' && y.approvedAt)) return undefined;
  if (y.status === 'proposed' && !y.escalatedAt && y.supplierDeadline)
    return { party: 'supplier', due: y.supplierDeadline };
  return { party: 'officer', due: officerDeadline(y.year) };
};

/** A supplier's view: its own agreements' deadlines (not the officer's own moves), and the bid deadlines of announced tenders. */
export const visibleTo = (viewer: { supplierId: string } | { entityId: string }, d: Deadline): boolean => {
  if ('entityId' in viewer) return d.entityId === viewer.entityId;
  if (d.kind === 'bid-deadline') return true;
  if (d.supplierId !== viewer.supplierId) return false;
  return d.kind === 'agreement-end' || d.kind === 'option-deadline' || d.party === 'supplier';
};

/** A supplier does not learn whether the authority has decided: the flag is the entity's. */
const forViewer = (viewer: { supplierId: string } | { entityId: string }, d: Deadline): Deadline => {
  if ('entityId' in viewer) return d;
  const { needsDecision: _n, ...rest } = d;
  return rest;
};

/** The order of the list: soonest first, then by kind and aggregate, so a cursor can say where a page ended. */
export const deadlineKey = (d: Pick<Deadline, 'due' | 'kind' | 'aggregate'>): string =>
  `${d.due}|${d.kind}|${d.aggregate.id}|${d.aggregate.year ?? ''}`;

export interface DeadlineWindow {
  /** From this instant (inclusive). */
  from: string;
  /** Before this instant (exclusive). */
  before: string;
  kinds?: DeadlineKind[] | undefined;
}

/** The default window: from now, a year ahead. */
export const defaultWindow = (now: Date): { from: string; before: string } => ({
  from: now.toISOString(),
  before: new Date(now.getTime() + 366 * DAY_MS).toISOString(),
});

/**
 * One page of the viewer's deadlines in the window, soonest first, after the key `after` (the
 * cursor: the key of the last deadline of the page before).
 */
export const deadlinePage = (
  all: Deadline[],
  viewer: { supplierId: string } | { entityId: string },
  window: DeadlineWindow,
  page: { limit: number; after?: string | undefined },
): { items: Deadline[]; nextKey?: string } => {
  const from = Date.parse(window.from);
  const before = Date.parse(window.before);
  const sorted = all
    .filter((d) => visibleTo(viewer, d))
    .filter((d) => Date.parse(d.due) >= from && Date.parse(d.due) < before)
    .filter((d) => !window.kinds?.length || window.kinds.includes(d.kind))
    .map((d) => ({ d: forViewer(viewer, d), key: deadlineKey(d) }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .filter((x) => page.after === undefined || x.key > page.after);
  const items = sorted.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((x) => x.d),
    ...(sorted.length > page.limit && last ? { nextKey: last.key } : {}),
  };
};
