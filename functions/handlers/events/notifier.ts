/**
 * Domain events → notifications. Publishes a readable message to the notification topic (email
 * subscribers on AWS, the local SNS stand-in locally). The inbox per user comes with reminders.
 *
 * Events come at least once (the outbox, functions/contracts/outbox.ts; the bus's own retries): an
 * event with an `eventId` is notified once. A delivery claims the event for a minute (a record
 * `NOTIFIED#<eventId>`), notifies, and records it sent; a delivery of an event already sent is
 * dropped, one of an event another delivery is sending fails (the bus tries it again later), and a
 * delivery that could not notify gives its claim back before it fails.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { sdk, sns } from '../../adapters/clients.ts';
import { env } from '../../adapters/env.ts';
import { withObservability } from '../../adapters/observability.ts';
import { getItem, putIf } from '../../adapters/store.ts';
import { EVENT_ID_FIELD } from '../../contracts/outbox.ts';
import { log } from '../../shared/log.ts';
import '../../shared/zod-locale.ts';
import { type DetailType, type EventDetail, eventSchemas } from '../../contracts/events.ts';

/**
 * Who should read it, as message attributes that subscriptions filter on (docs/operations.md,
 * "Notifications"): `audience` (the entity's `officers`, its `manager` for escalations, or only the
 * named `suppliers`), `entityId`, and `supplierIds`.
 */
type Message = {
  subject: string;
  text: string;
  entityId: string;
  supplierIds?: string[];
  audience?: 'officers' | 'manager' | 'suppliers';
};

/**
 * Sealed means sealed: who bid is nobody's business but the bidder's until the opening. A message
 * that names bidders while bids may still be sealed goes to those suppliers only; the officers get
 * their own copy without the names.
 */
const toSuppliersOnly = (message: Message): Message => ({ ...message, audience: 'suppliers' });
const withoutBidders = ({ supplierIds: _names, ...message }: Message): Message => message;

/** Points per criterion as a bidder reads them: `price 9.2, quality 7`. */
const pointsText = (points: Record<string, number>): string =>
  Object.entries(points)
    .map(([criterion, p]) => `${criterion} ${p}`)
    .join(', ');

/** The officers' sentence when a successor tender is gone while the agreements it was to replace run out. */
const successorGone = (agreementIds: string[] | undefined): string =>
  agreementIds?.length
    ? ` Action needed: it was to replace agreement(s) ${agreementIds.join(', ')}, under notice and running out; draft a new procurement and link it (PUT /agreements/{agreementId}/termination/successor).`
    : '';

const messages: { [T in DetailType]: (d: EventDetail<T>) => Message | Message[] } = {
  'Tender.Announced': (d) => ({
    subject: `Tender announced: ${d.title}`,
    text: `${d.title} (${d.tenderId}) was announced with ${d.lots.length} lot(s). Bid deadline ${d.bidDeadline}.`,
    entityId: d.entityId,
  }),
  'Tender.Opened': (d) => ({
    subject: `Tender opened: ${d.title}`,
    text: `The bid deadline of ${d.title} (${d.tenderId}) has passed; the bids are open for qualification. ${d.lots.map((l) => `${l.lotId}: ${l.validBids} bid(s), ${l.status}`).join('; ')}.`,
    entityId: d.entityId,
  }),
  'Tender.QuestionAnswered': (d) => ({
    subject: `New answer in ${d.title}`,
    text: `A question on ${d.lotId ? `lot ${d.lotId} of ` : ''}${d.title} (${d.tenderId}) was answered. Every supplier sees it under GET /tenders/${d.tenderId}/questions.`,
    entityId: d.entityId,
  }),
  // The bidder's receipt: to the bidder only (the entity learns how many bids a lot has, not whose).
  'Tender.BidReceived': (d) =>
    toSuppliersOnly({
      subject: `Bid received: ${d.bidId} version ${d.version}`,
      text: `Your bid ${d.bidId} for lot ${d.lotId} of tender ${d.tenderId} was received at ${d.receivedAt}. SHA-256 of its content: ${d.contentSha256}.`,
      entityId: d.entityId,
      supplierIds: [d.supplierId],
    }),
  'Tender.BidsInvalidated': (d) =>
    toSuppliersOnly({
      subject: `Action needed: submit your bid again for ${d.title}`,
      text: `The tender ${d.title} (${d.tenderId}) changed (${d.reason}). Your bid for lot(s) ${d.lotIds.join(', ')} no longer counts: submit it again before the deadline.`,
      entityId: d.entityId,
      supplierIds: d.supplierIds,
    }),
  'Tender.DeadlineExtended': (d) => ({
    subject: `Bid deadline extended: ${d.title}`,
    text: `The bid deadline of ${d.title} (${d.tenderId}) moved from ${d.from} to ${d.to}.`,
    entityId: d.entityId,
  }),
  'Tender.Awarded': (d) => ({
    subject: `Award decision: ${d.title}`,
    text: [
      `The award decision for ${d.title} (${d.tenderId}), revision ${d.revision}. Standstill until ${d.standstillEndsAt}.`,
      ...d.lots.map(
        (l) =>
          `Lot ${l.lotId}: ${l.status}${l.reason ? ` (${l.reason})` : ''}${l.winners.length ? `; winners ${l.winners.map((w) => `${w.supplierId} (rank ${w.rank}, ${w.total} points)`).join(', ')}` : ''}`,
      ),
      ...d.bidders.map(
        (b) =>
          `To ${b.supplierId}, lot ${b.lotId}: ${b.outcome}${b.rank ? `, rank ${b.rank}` : ''}${b.total !== undefined ? `, ${b.total} points` : ''}${b.reason ? ` (${b.reason})` : ''}${b.points ? `; your points per criterion ${pointsText(b.points)}` : ''}${(b.winners ?? []).map((w) => `; ${w.supplierId} (rank ${w.rank}): ${pointsText(w.points)}`).join('')}`,
      ),
    ].join('\n'),
    entityId: d.entityId,
    supplierIds: [...new Set(d.bidders.map((b) => b.supplierId))],
  }),
  'Tender.AwardRevised': (d) => ({
    subject: `Award decision withdrawn for revision: ${d.title}`,
    text: `The award decision (revision ${d.revision}) of ${d.title} (${d.tenderId}) was withdrawn: ${d.reason}. A new decision follows.`,
    entityId: d.entityId,
    supplierIds: d.supplierIds,
  }),
  'Tender.StandstillEnded': (d) => ({
    subject: `Standstill ended: ${d.title}`,
    text: `The standstill period of ${d.title} (${d.tenderId}) ended at ${d.endedAt}; ${d.agreementIds.length} framework agreement(s) exist.`,
    entityId: d.entityId,
  }),
  // A cancellation may come before the opening: the bidders hear of it, the officers without their names.
  // The officers also hear which agreements under notice the tender was to replace; the bidders do not.
  'Tender.Cancelled': (d) => {
    const text = `${d.wholeTender ? `The tender ${d.title} (${d.tenderId}) was cancelled` : `Lot(s) ${d.lotIds.join(', ')} of ${d.title} (${d.tenderId}) were cancelled`}: ${d.reason}.`;
    const message: Message = {
      subject: `${d.wholeTender ? 'Tender cancelled' : 'Lot(s) cancelled'}: ${d.title}`,
      text,
      entityId: d.entityId,
      supplierIds: d.supplierIds,
    };
    const officers = withoutBidders({
      ...message,
      text: `${text}${successorGone(d.replacesAgreementIds)}`,
    });
    return d.supplierIds.length ? [officers, toSuppliersOnly(message)] : officers;
  },
  'Tender.Unsuccessful': (d) => {
    const text = `The tender ${d.title} (${d.tenderId}) ended without an award: ${d.reason}.`;
    const message: Message = {
      subject: `Tender without result: ${d.title}`,
      text,
      entityId: d.entityId,
      supplierIds: d.supplierIds,
    };
    // The officers' copy names the agreements it was to replace; the bidders' does not.
    return d.replacesAgreementIds?.length
      ? [
          withoutBidders({ ...message, text: `${text}${successorGone(d.replacesAgreementIds)}` }),
          ...(d.supplierIds.length ? [toSuppliersOnly(message)] : []),
        ]
      : message;
  },
  'Agreement.ExpiryApproaching': (d) =>
    d.afterNotice
      ? {
          subject: `Agreement ends after notice ${d.deadline}: ${d.agreementId}`,
          text: `${d.title} with ${d.supplierId} ends on ${d.deadline} after notice (${d.leadMonths}-month reminder).`,
          entityId: d.entityId,
          audience: 'officers',
        }
      : {
          subject: `${d.escalation ? 'ESCALATION: ' : ''}${d.review ? 'Yearly review due' : 'Agreement ends'} ${d.deadline}: ${d.agreementId}`,
          text: `${d.escalation ? 'Escalated: no renewal decision is recorded. ' : ''}${d.title} with ${d.supplierId} ${d.review ? 'is due for its yearly review' : 'ends'} on ${d.deadline} (${d.leadMonths}-month reminder). Record the decision: POST /agreements/${d.agreementId}/decision.`,
          entityId: d.entityId,
          audience: d.escalation ? 'manager' : 'officers',
        },
  'Agreement.OptionDeadlineApproaching': (d) => ({
    subject: `${d.escalation ? 'ESCALATION: ' : ''}Option decision due ${d.deadline}: ${d.agreementId}`,
    text: `${d.escalation ? 'Escalated: no renewal decision is recorded. ' : ''}The next option of ${d.title} with ${d.supplierId} must be exercised by ${d.deadline} (${d.leadMonths}-month reminder).`,
    entityId: d.entityId,
    audience: d.escalation ? 'manager' : 'officers',
  }),
  'Agreement.OptionExercised': (d) => ({
    subject: `Option exercised: agreement ${d.agreementId}`,
    text: `Option ${d.option} of agreement ${d.agreementId} was exercised by ${d.by}: it now ends ${d.to} (was ${d.from}).`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'Agreement.Terminated': (d) => ({
    subject: `Notice given: agreement ${d.agreementId} ends ${d.endsOn}`,
    text: `Notice was given${d.givenOn ? ` on ${d.givenOn}` : ''} to terminate agreement ${d.agreementId} (${d.reason})${d.noticeMonths !== undefined ? `: ${d.noticeMonths} month(s)${d.noticeCounting === 'from-end-of-month' ? ' from the end of the month' : ''}` : ''}. It runs until ${d.endsOn}, without further options.${d.newTenderId ? ` A new procurement was drafted: ${d.newTenderId}.` : d.successorTenderId ? ` Its successor tender: ${d.successorTenderId}.` : ''}`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'Agreement.TerminationEffective': (d) => ({
    subject: `Agreement terminated: ${d.agreementId}`,
    text: `Agreement ${d.agreementId} ended on ${d.endsOn}, terminated by the notice given on ${d.givenOn} (${d.reason}).${d.successorTenderId ? ` Its successor tender: ${d.successorTenderId}.` : ''}`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'Agreement.Expired': (d) => ({
    subject: `Agreement expired: ${d.agreementId}`,
    text: `Agreement ${d.agreementId} ended ${d.endDate} without being extended.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'Agreement.VolumeAmended': (d) => ({
    subject: `Volume amended: agreement ${d.agreementId}, ${d.year}`,
    text: `${d.delta > 0 ? '+' : ''}${d.delta} ${d.unit} (${d.reason}); the ${d.year} volume is now ${d.currentVolume}.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'PerformanceAgreement.Proposed': (d) => ({
    subject: `Performance agreement ${d.year} proposed: ${d.agreementId}`,
    text: `A proposal for ${d.year} awaits your answer by ${d.supplierDeadline}: ${d.lines.map((l) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ')}.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'PerformanceAgreement.Countered': (d) => ({
    subject: `Counter-offer for ${d.year}: ${d.agreementId}`,
    text: `${d.supplierId} countered: ${d.lines.map((l) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ')}.`,
    entityId: d.entityId,
  }),
  'PerformanceAgreement.Agreed': (d) => ({
    subject: `Performance agreement ${d.year} agreed: ${d.agreementId}`,
    text: `Both sides agree on ${d.year}; the officer's approval publishes it.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'PerformanceAgreement.Published': (d) => ({
    subject: `Performance agreement ${d.year} published: ${d.agreementId}`,
    text: `Published ${d.publishedAt}: ${d.lines.map((l) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ')}.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'PerformanceAgreement.SupplierReminded': (d) => ({
    subject: `Reminder: answer the ${d.year} proposal for ${d.agreementId}`,
    text: `No answer arrived in time. The new deadline is ${d.supplierDeadline}; after it the negotiation goes to the officer.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'PerformanceAgreement.Escalated': (d) => ({
    subject: `Escalated: ${d.supplierId} has not answered the ${d.year} proposal`,
    text: `${d.reason}. Agreement ${d.agreementId}: propose again or follow up with the supplier.`,
    entityId: d.entityId,
  }),
  'PerformanceAgreement.NotAgreedInTime': (d) => ({
    subject: `Action needed: no performance agreement for ${d.year} (${d.agreementId})`,
    text: `The year ${d.year} started without an agreed performance agreement (status ${d.status}).`,
    entityId: d.entityId,
  }),
  'PerformanceAgreement.AnswerDue': (d) => ({
    subject: `Reminder: your answer on the ${d.year} performance agreement is due ${d.deadline.slice(0, 10)}`,
    text: `Agreement ${d.agreementId}: ${d.role === 'supplier' ? 'accept or counter the proposal' : 'propose, answer the counter-offer or approve'} by ${d.deadline}.`,
    entityId: d.entityId,
    ...(d.role === 'supplier' ? { supplierIds: [d.supplierId] } : {}),
  }),
  'PerformanceAgreement.Abandoned': (d) => ({
    subject: `Negotiation for ${d.year} stopped: ${d.agreementId}`,
    text: `The ${d.year} negotiation stopped (status ${d.status}): ${d.reason ?? 'nobody acted for 180 days'}. Start it again to resume.`,
    entityId: d.entityId,
  }),
  'Agreement.Created': (d) => ({
    subject: `Framework agreement ${d.agreementId}`,
    text: `A framework agreement for lot ${d.lotId} of tender ${d.tenderId} runs from ${d.startDate} to ${d.endDate}.`,
    entityId: d.entityId,
    supplierIds: [d.supplierId],
  }),
  'Tender.DeadlineTimerLost': (d) => ({
    subject: `Action needed: timer lost for ${d.tenderId}`,
    text: `The workflow of tender ${d.tenderId} waited past its timeout for the bid deadline or the end of the standstill, and its execution failed. Check the tender.`,
    entityId: d.entityId,
  }),
};

/** Every detail-type the notifier formats: the subscriptions of the manifest must route each here. */
export const notifiedDetailTypes = Object.keys(messages) as DetailType[];

const isKnown = (type: string): type is DetailType => type in eventSchemas;

/** How long a delivery holds an event it is notifying; the record of a notification is kept 30 days. */
const CLAIM_MS = 60_000;
const KEEP_DAYS = 30;

const notifiedKey = (eventId: string) => ({ PK: `NOTIFIED#${eventId}`, SK: 'NOTIFIED' });

/** Holds the event for this delivery: the lease's end, or undefined when it was notified already. */
const claim = async (eventId: string): Promise<number | undefined> => {
  const now = Date.now();
  const until = now + CLAIM_MS;
  const ttl = Math.floor(now / 1000) + KEEP_DAYS * 86_400;
  // The token tells this delivery's own claim from another's: the SDK sends a write again when its
  // answer was lost, and that write must not find the claim it made taken.
  const token = randomUUID();
  const claimed = await putIf(
    { ...notifiedKey(eventId), eventId, claimExpires: until, claimToken: token, ttl },
    'attribute_not_exists(PK) OR (attribute_not_exists(sentAt) AND (claimExpires < :now OR claimToken = :token))',
    { ':now': now, ':token': token },
  );
  if (claimed) return until;
  const record = await getItem<{ sentAt?: string }>(notifiedKey(eventId));
  if (record?.sentAt) return undefined;
  throw new Error(`Event ${eventId} is being notified by another delivery; try again later`);
};

/** Records the event notified (or, `sent` false, gives the claim back), if the claim is still this delivery's. */
const settle = async (eventId: string, until: number, sent: boolean): Promise<void> => {
  const now = Date.now();
  await putIf(
    {
      ...notifiedKey(eventId),
      eventId,
      claimExpires: sent ? until : 0,
      ...(sent ? { sentAt: new Date(now).toISOString() } : {}),
      ttl: Math.floor(now / 1000) + KEEP_DAYS * 86_400,
    },
    'claimExpires = :mine',
    { ':mine': until },
  );
};

const lambdaHandler = async (event: EventBridgeEvent<string, unknown>) => {
  const type = event['detail-type'];
  if (!isKnown(type)) {
    log.warn('no notification for this event', { type });
    return { notified: false };
  }
  const detail = eventSchemas[type].parse(event.detail);
  const eventId = (event.detail as Record<string, unknown>)[EVENT_ID_FIELD];
  const until = typeof eventId === 'string' ? await claim(eventId) : 0;
  if (until === undefined) {
    log.info('an event delivered again was notified already', { type, eventId });
    return { notified: false, duplicate: true };
  }
  try {
    await notify(type, detail, typeof eventId === 'string' ? eventId : undefined);
  } catch (error) {
    if (typeof eventId === 'string')
      await settle(eventId, until, false).catch((e) =>
        log.warn('could not give back the claim of an event not notified', { eventId, error: e }),
      );
    throw error;
  }
  if (typeof eventId === 'string')
    await settle(eventId, until, true).catch((error) =>
      // Notified: only a later duplicate could notify it again.
      log.warn('an event was notified but could not be recorded so', { eventId, error }),
    );
  return { notified: true };
};

const notify = async (
  type: DetailType,
  detail: EventDetail<DetailType>,
  eventId: string | undefined,
): Promise<void> => {
  const formatted = (messages[type] as (d: typeof detail) => Message | Message[])(detail);
  const { PublishCommand } = sdk('@aws-sdk/client-sns');
  for (const message of Array.isArray(formatted) ? formatted : [formatted])
    await sns().send(
      new PublishCommand({
        TopicArn: env('NOTIFICATION_TOPIC_ARN'),
        Subject: message.subject.slice(0, 99),
        Message: message.text,
        MessageAttributes: {
          entityId: { DataType: 'String', StringValue: message.entityId },
          eventType: { DataType: 'String', StringValue: type },
          // Which event it tells of: a reader (or an operator) can tell a copy from a new message.
          ...(eventId ? { eventId: { DataType: 'String', StringValue: eventId } } : {}),
          audience: { DataType: 'String', StringValue: message.audience ?? 'officers' },
          ...(message.supplierIds?.length
            ? { supplierIds: { DataType: 'String.Array', StringValue: JSON.stringify(message.supplierIds) } }
            : {}),
        },
      }),
    );
};

export const handler = withObservability(lambdaHandler);
