/**
 * Contract between the event schemas, the notifier and the manifest's subscriptions: every
 * detail-type the notifier formats reaches it through a subscription pattern of the manifest
 * (matched as EventBridge matches, local/event-pattern.ts), and the notifier turns a valid event of
 * each into a message on the topic. The samples are typed against the schemas: a new event type
 * does not compile here without its sample.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import {
  type DetailType,
  EVENT_SOURCE,
  type EventDetail,
  eventSchemas,
} from '../../functions/contracts/events.ts';
import { handler, notifiedDetailTypes } from '../../functions/handlers/events/notifier.ts';
import { subscriptions } from '../../functions/manifest.ts';
import { matches } from '../../local/event-pattern.ts';
import { lambdaContext } from '../helpers/fixtures.ts';

const snsMock = mockClient(SNSClient);

const tender = { tenderId: 'tnd_1', entityId: 'helse-sor-ost', title: 'Koloskopi' };
const agreement = { agreementId: 'agr_1', entityId: 'helse-sor-ost', supplierId: 'falck-norge-as' };
const year = { ...agreement, year: 2027 };
const lines = [{ unit: 'konsultasjoner', volume: 1000, unitPrice: 1200 }];
const at = '2026-11-23T09:00:00.000Z';

const samples: { [T in DetailType]: EventDetail<T> } = {
  'Tender.Announced': {
    ...tender,
    serviceAreaId: 'koloskopi',
    bidDeadline: at,
    announcedAt: at,
    lots: [{ id: 'innlandet', title: 'Innlandet' }],
  },
  'Tender.Opened': { ...tender, openedAt: at, lots: [{ lotId: 'innlandet', validBids: 2, status: 'open' }] },
  'Tender.QuestionAnswered': { ...tender, questionId: 'q_1', answeredAt: at },
  'Tender.BidReceived': {
    tenderId: 'tnd_1',
    entityId: 'helse-sor-ost',
    lotId: 'innlandet',
    bidId: 'bid_1',
    supplierId: 'falck-norge-as',
    version: 1,
    receivedAt: at,
    contentSha256: 'a'.repeat(64),
  },
  'Tender.BidsInvalidated': {
    ...tender,
    lotIds: ['innlandet'],
    supplierIds: ['falck-norge-as'],
    reason: 'Endret krav',
  },
  'Tender.DeadlineExtended': { ...tender, from: at, to: '2026-12-23T12:00:00.000Z' },
  'Tender.Awarded': {
    ...tender,
    revision: 1,
    standstillEndsAt: at,
    lots: [
      {
        lotId: 'innlandet',
        status: 'awarded',
        winners: [{ supplierId: 'falck-norge-as', rank: 1, total: 90 }],
      },
    ],
    bidders: [
      {
        supplierId: 'falck-norge-as',
        lotId: 'innlandet',
        bidId: 'bid_1',
        outcome: 'won',
        rank: 1,
        total: 90,
      },
    ],
  },
  'Tender.AwardRevised': { ...tender, revision: 1, reason: 'Feil i poeng', supplierIds: ['falck-norge-as'] },
  'Tender.StandstillEnded': { ...tender, endedAt: at, agreementIds: ['agr_1'] },
  'Tender.Cancelled': {
    ...tender,
    reason: 'Behovet falt bort',
    lotIds: ['innlandet'],
    wholeTender: true,
    supplierIds: [],
  },
  'Tender.Unsuccessful': {
    ...tender,
    reason: 'Ingen gyldige tilbud',
    supplierIds: [],
    replacesAgreementIds: ['agr_1', 'agr_2'],
  },
  'Tender.DeadlineTimerLost': { tenderId: 'tnd_1', entityId: 'helse-sor-ost', detectedAt: at },
  'Agreement.Created': {
    ...agreement,
    tenderId: 'tnd_1',
    lotId: 'innlandet',
    startDate: '2027-03-01',
    endDate: '2029-02-28',
  },
  'Agreement.OptionExercised': { ...agreement, option: 1, from: '2026-12-31', to: '2027-12-31', by: 'Kari' },
  'Agreement.Terminated': {
    ...agreement,
    reason: 'Mislighold',
    endsOn: '2027-06-30',
    noticeMonths: 6,
    noticeCounting: 'from-end-of-month',
    givenOn: '2026-12-15',
  },
  'Agreement.TerminationEffective': {
    ...agreement,
    reason: 'Mislighold',
    givenOn: '2026-12-15',
    endsOn: '2027-06-30',
    successorTenderId: 'tnd_2',
  },
  'Agreement.Expired': { ...agreement, endDate: '2026-12-31' },
  'Agreement.VolumeAmended': {
    ...year,
    amendmentId: 'amd_1',
    unit: 'konsultasjoner',
    delta: 100,
    currentVolume: 1100,
    reason: 'Økt behov',
  },
  'Agreement.ExpiryApproaching': {
    ...agreement,
    deadline: '2026-12-31',
    leadMonths: 3,
    escalation: false,
    review: false,
    title: 'Koloskopi – Innlandet',
  },
  'Agreement.OptionDeadlineApproaching': {
    ...agreement,
    deadline: '2026-10-02',
    leadMonths: 1,
    escalation: true,
    title: 'Koloskopi – Innlandet',
  },
  'PerformanceAgreement.Proposed': { ...year, lines, supplierDeadline: at },
  'PerformanceAgreement.Countered': { ...year, lines },
  'PerformanceAgreement.Agreed': { ...year, lines },
  'PerformanceAgreement.Published': { ...year, lines, publishedAt: at },
  'PerformanceAgreement.SupplierReminded': { ...year, supplierDeadline: at },
  'PerformanceAgreement.Escalated': { ...year, reason: 'No answer after a reminder' },
  'PerformanceAgreement.NotAgreedInTime': { ...year, status: 'proposed' },
  'PerformanceAgreement.Abandoned': { ...year, status: 'draft', reason: 'nobody acted for 180 days' },
  'PerformanceAgreement.AnswerDue': { ...year, role: 'supplier', deadline: at },
};

const event = (type: string, detail: unknown) => ({
  version: '0',
  id: `evt-${type}`,
  'detail-type': type,
  source: EVENT_SOURCE,
  account: '123456789012',
  time: at,
  region: 'eu-north-1',
  resources: [],
  detail,
});

const toNotifier = subscriptions.filter((s) => s.target === 'notifier');

describe('events to the notifier', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    process.env.NOTIFICATION_TOPIC_ARN = 'arn:aws:sns:eu-north-1:123456789012:notifications';
    resetEnvCache();
  });

  it('formats every event schema (and nothing else)', () => {
    expect([...notifiedDetailTypes].sort()).toEqual(Object.keys(eventSchemas).sort());
  });

  it.each(notifiedDetailTypes)('routes %s to the notifier through a subscription of the manifest', (type) => {
    expect(toNotifier.some((s) => matches(s.pattern, event(type, samples[type])))).toBe(true);
  });

  it.each(notifiedDetailTypes)(
    'notifies %s: a valid event becomes one message on the topic, with its type and entity',
    async (type) => {
      expect(eventSchemas[type].safeParse(samples[type]).success).toBe(true);
      const result = await handler(event(type, samples[type]) as never, lambdaContext());
      expect(result).toEqual({ notified: true });
      const publish = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
      expect(publish?.MessageAttributes?.eventType?.StringValue).toBe(type);
      expect(publish?.MessageAttributes?.entityId?.StringValue).toBe('helse-sor-ost');
      expect(publish?.Subject?.length).toBeGreaterThan(0);
    },
  );

  it('routes no event of another source', () => {
    expect(
      toNotifier.some((s) =>
        matches(s.pattern, {
          ...event('PerformanceAgreement.Agreed', samples['PerformanceAgreement.Agreed']),
          source: 'x',
        }),
      ),
    ).toBe(false);
  });
});

describe('sealed means sealed, in notifications', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    process.env.NOTIFICATION_TOPIC_ARN = 'arn:aws:sns:eu-north-1:123456789012:notifications';
    resetEnvCache();
  });
  const published = () =>
    snsMock.commandCalls(PublishCommand).map((c) => ({
      audience: c.args[0].input.MessageAttributes?.audience?.StringValue,
      supplierIds: c.args[0].input.MessageAttributes?.supplierIds?.StringValue,
    }));

  it.each(['Tender.BidReceived', 'Tender.BidsInvalidated'] as const)(
    '%s names the bidder to the bidder only, never to the officers',
    async (type) => {
      await handler(event(type, samples[type]) as never, lambdaContext());
      expect(published()).toEqual([{ audience: 'suppliers', supplierIds: expect.any(String) }]);
    },
  );

  it('a cancellation tells the bidders, and the officers without the bidders names', async () => {
    const cancelled = { ...samples['Tender.Cancelled'], supplierIds: ['falck-norge-as'] };
    await handler(event('Tender.Cancelled', cancelled) as never, lambdaContext());
    expect(published()).toEqual([
      { audience: 'officers', supplierIds: undefined },
      { audience: 'suppliers', supplierIds: JSON.stringify(['falck-norge-as']) },
    ]);
  });
});
