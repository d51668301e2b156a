/**
 * One schema per EventBridge detail-type (`Service.EventName`), shared by the producer
 * (commons/events.ts validates before PutEvents), the consumers and the tests.
 * Sample events: docs/events.md.
 */
import * as z from 'zod/mini';

/** The `source` of every domain event. */
export const EVENT_SOURCE = 'helsekjop';

const lotRef = z.object({ id: z.string(), title: z.string() });

export const eventSchemas = {
  'Tender.Announced': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    serviceAreaId: z.string(),
    bidDeadline: z.string(),
    announcedAt: z.string(),
    lots: z.array(lotRef),
  }),
  'Tender.Opened': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    title: z.string(),
    openedAt: z.string(),
  }),
  'Tender.DeadlineTimerLost': z.object({
    tenderId: z.string(),
    entityId: z.string(),
    detectedAt: z.string(),
  }),
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
