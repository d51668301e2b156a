/**
 * One schema per EventBridge detail-type (`Service.EventName`), shared by the producer
 * (commons/events.ts validates before PutEvents), the consumers and the tests.
 * Sample events: docs/events.md.
 */
import * as z from 'zod/mini';

/** The `source` of every domain event. */
export const EVENT_SOURCE = 'helsekjop';

const lotRef = z.object({ id: z.string(), title: z.string() });

const yearRef = {
  agreementId: z.string(),
  entityId: z.string(),
  supplierId: z.string(),
  year: z.number(),
};
const lines = z.array(z.object({ unit: z.string(), volume: z.number(), unitPrice: z.number() }));

/** What an agreement's reminder (its end, or an option's last day) says. */
const reminderRef = {
  agreementId: z.string(),
  entityId: z.string(),
  supplierId: z.string(),
  deadline: z.string(),
  leadMonths: z.number(),
  escalation: z.boolean(),
  title: z.string(),
};

const performanceEvents = {
  'PerformanceAgreement.Proposed': z.object({ ...yearRef, lines, supplierDeadline: z.string() }),
  'PerformanceAgreement.Countered': z.object({ ...yearRef, lines }),
  'PerformanceAgreement.Agreed': z.object({ ...yearRef, lines }),
  'PerformanceAgreement.Published': z.object({ ...yearRef, lines, publishedAt: z.string() }),
  'PerformanceAgreement.SupplierReminded': z.object({ ...yearRef, supplierDeadline: z.string() }),
  'PerformanceAgreement.Escalated': z.object({ ...yearRef, reason: z.string() }),
  'PerformanceAgreement.NotAgreedInTime': z.object({ ...yearRef, status: z.string() }),
  'PerformanceAgreement.Abandoned': z.object({
    ...yearRef,
    status: z.string(),
    reason: z.optional(z.string()),
  }),
  'PerformanceAgreement.AnswerDue': z.object({
    ...yearRef,
    role: z.enum(['officer', 'supplier']),
    deadline: z.string(),
  }),
} as const;

export const eventSchemas = {
  'Tender.Announced': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    /** The main specialty (the first of serviceAreaIds), for consumers that read one. */
    serviceAreaId: z.string(),
    /** Every specialty of the tender; absent from events written before it became a list. */
    serviceAreaIds: z.optional(z.array(z.string())),
    bidDeadline: z.string(),
    announcedAt: z.string(),
    lots: z.array(lotRef),
  }),
  'Tender.Opened': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    openedAt: z.string(),
    lots: z.array(z.object({ lotId: z.string(), validBids: z.number(), status: z.string() })),
  }),
  'Tender.QuestionAnswered': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    questionId: z.string(),
    lotId: z.optional(z.string()),
    answeredAt: z.string(),
  }),
  'Tender.BidReceived': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    lotId: z.string(),
    bidId: z.string(),
    supplierId: z.string(),
    version: z.number(),
    receivedAt: z.string(),
    contentSha256: z.string(),
  }),
  'Tender.BidsInvalidated': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    lotIds: z.array(z.string()),
    supplierIds: z.array(z.string()),
    reason: z.string(),
  }),
  'Tender.DeadlineExtended': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    from: z.string(),
    to: z.string(),
  }),
  'Tender.Awarded': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    revision: z.number(),
    standstillEndsAt: z.string(),
    lots: z.array(
      z.object({
        lotId: z.string(),
        status: z.string(),
        reason: z.optional(z.string()),
        winners: z.array(z.object({ supplierId: z.string(), rank: z.number(), total: z.number() })),
      }),
    ),
    /** Every bidder's own result, delivered to all at the same time. */
    bidders: z.array(
      z.object({
        supplierId: z.string(),
        lotId: z.string(),
        bidId: z.string(),
        outcome: z.enum(['won', 'lost', 'rejected', 'lot-unsuccessful']),
        rank: z.optional(z.number()),
        total: z.optional(z.number()),
        /** The bid's points per criterion (0–10), when it was ranked. */
        points: z.optional(z.record(z.string(), z.number())),
        /** Beside a bid that lost: each winner's rank, total and points per criterion. */
        winners: z.optional(
          z.array(
            z.object({
              supplierId: z.string(),
              rank: z.number(),
              total: z.number(),
              points: z.record(z.string(), z.number()),
            }),
          ),
        ),
        reason: z.optional(z.string()),
      }),
    ),
  }),
  'Tender.AwardRevised': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    revision: z.number(),
    reason: z.string(),
    supplierIds: z.array(z.string()),
  }),
  'Tender.StandstillEnded': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    endedAt: z.string(),
    agreementIds: z.array(z.string()),
  }),
  'Tender.Cancelled': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    reason: z.string(),
    /** The cancelled lots; every lot when the whole tender is cancelled. */
    lotIds: z.array(z.string()),
    wholeTender: z.boolean(),
    supplierIds: z.array(z.string()),
    /** The agreements under notice this tender was to replace (a successor tender). */
    replacesAgreementIds: z.optional(z.array(z.string())),
  }),
  'Tender.Unsuccessful': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    reason: z.string(),
    supplierIds: z.array(z.string()),
    /** The agreements under notice this tender was to replace (a successor tender). */
    replacesAgreementIds: z.optional(z.array(z.string())),
  }),
  'Agreement.Created': z.object({
    agreementId: z.string(),
    tenderId: z.string(),
    entityId: z.string(),
    lotId: z.string(),
    supplierId: z.string(),
    startDate: z.string(),
    endDate: z.string(),
  }),
  'Tender.DeadlineTimerLost': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    detectedAt: z.string(),
  }),
  'Agreement.OptionExercised': z.object({
    agreementId: z.string(),
    entityId: z.string(),
    supplierId: z.string(),
    option: z.number(),
    from: z.string(),
    to: z.string(),
    by: z.string(),
  }),
  /** Notice given: the agreement runs to `endsOn`, then ends (Agreement.TerminationEffective). */
  'Agreement.Terminated': z.object({
    agreementId: z.string(),
    entityId: z.string(),
    supplierId: z.string(),
    reason: z.string(),
    endsOn: z.string(),
    /** Absent from events written before notice could be counted. */
    noticeMonths: z.optional(z.number()),
    noticeCounting: z.optional(z.enum(['from-notice', 'from-end-of-month'])),
    givenOn: z.optional(z.string()),
    /** A tender drafted with the notice. */
    newTenderId: z.optional(z.string()),
    /** The tender that replaces the agreement (drafted with the notice, or linked). */
    successorTenderId: z.optional(z.string()),
  }),
  /** The effective end of a notice has passed: the agreement is terminated. */
  'Agreement.TerminationEffective': z.object({
    agreementId: z.string(),
    entityId: z.string(),
    supplierId: z.string(),
    reason: z.string(),
    givenOn: z.string(),
    endsOn: z.string(),
    successorTenderId: z.optional(z.string()),
  }),
  'Agreement.Expired': z.object({
    agreementId: z.string(),
    entityId: z.string(),
    supplierId: z.string(),
    endDate: z.string(),
  }),
  'Agreement.VolumeAmended': z.object({
    agreementId: z.string(),
    entityId: z.string(),
    supplierId: z.string(),
    year: z.number(),
    amendmentId: z.string(),
    unit: z.string(),
    delta: z.number(),
    currentVolume: z.number(),
    reason: z.string(),
  }),
  'Agreement.ExpiryApproaching': z.object({
    ...reminderRef,
    review: z.boolean(),
    /** The end is the effective end of a notice: nothing is left to decide. */
    afterNotice: z.optional(z.boolean()),
  }),
  'Agreement.OptionDeadlineApproaching': z.object(reminderRef),
  ...performanceEvents,
} as const;

export type DetailType = keyof typeof eventSchemas;
export type EventDetail<T extends DetailType> = z.infer<(typeof eventSchemas)[T]>;

/** The EventBridge envelope as targets receive it. */
export interface DomainEvent<T extends DetailType = DetailType> {
  id: string;
  'detail-type': T;
  source: string;
  time: string;
  detail: EventDetail<T>;
}
