/**
 * The EventBridge bus, locally: PutEvents delivers to the manifest's subscriptions whose pattern
 * matches, asynchronously, with retries and dead letters like a rule target with a DLQ.
 */
import { randomUUID } from 'node:crypto';
import { DELIVERY_RETRY, type SubscriptionSpec, subscriptions } from '../functions/manifest.ts';
import { nowIso } from '../functions/shared/clock.ts';
import { log } from '../functions/shared/log.ts';
import { matches } from './event-pattern.ts';
import { ACCOUNT, type Invoke, REGION } from './functions.ts';

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export class LocalEventBus {
  readonly published: BusEvent[] = [];
  readonly delivered: { event: string; detailType: string; target: string; ok: boolean; error?: string }[] =
    [];
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly invokeFunction: Invoke,
    private readonly rules: SubscriptionSpec[] = subscriptions,
  ) {}

  putEvents(
    entries: {
      Source?: string;
      DetailType?: string;
      Detail?: string;
      Resources?: string[];
      Time?: number | string;
    }[],
  ) {
    const results = entries.map((entry) => {
      if (!entry.Source || !entry.DetailType || !entry.Detail) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ACCOUNT,
        // The time the producer gave (an outbox event: its change's), else now, as EventBridge does.
        // (On the wire, a number is seconds since the epoch.)
        time: (entry.Time === undefined
          ? nowIso()
          : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).toISOString()
        ).replace(/\.\d{3}Z$/, 'Z'),
        region: REGION,
        resources: entry.Resources ?? [],
        detail,
      };
      this.published.push(event);
      for (const rule of this.rules) {
        if (matches(rule.pattern, event as unknown as Record<string, unknown>)) this.deliver(rule, event);
      }
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Deliveries under way (the local clock waits for them after each timer it fires). */
  get pendingDeliveries(): number {
    return this.pending.size;
  }

  /** Resolves when every delivery so far has finished (tests, demo). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private deliver(rule: SubscriptionSpec, event: BusEvent): void {
    const work = (async () => {
      await new Promise((r) => setImmediate(r));
      let error = '';
      // The first attempt and the retries of the stack's rule targets, after pauses that grow
      // (EventBridge spreads them over up to a day; here over seconds).
      for (let attempt = 0; attempt <= DELIVERY_RETRY.attempts; attempt++) {
        if (attempt > 0)
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(1_000, 25 * 2 ** attempt)));
        try {
          await this.invokeFunction(rule.target, event);
          error = '';
          break;
        } catch (e) {
          error = `${(e as Error).name}: ${(e as Error).message}`;
        }
      }
      this.delivered.push({
        event: event.id,
        detailType: event['detail-type'],
        target: rule.target,
        ok: !error,
        ...(error ? { error } : {}),
      });
      if (error)
        log.error('event delivery failed; kept as a dead letter', {
          rule: rule.name,
          event: event.id,
          error,
        });
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}
