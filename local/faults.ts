/**
 * The fault switch: a share of the calls the functions make to DynamoDB, Step Functions, the
 * scheduler, the bus and SNS fails as those services fail on a bad day: throttled, a transaction
 * conflict (DynamoDB transactions), a 5xx, or a timeout (the connection dropped before the answer,
 * or, for DynamoDB, after the write: the answer is lost and the SDK sends the request again).
 * Decisions come from a seeded generator per service, so a run is reproducible as far as the order
 * of each service's calls is: the calls of concurrent functions to other services (the notifier's
 * to SNS, the audit watcher's to DynamoDB) do not shift which of the relay's calls to the bus fail.
 *
 *   HELSEKJOP_FAULTS=0.1:42 npm start      # 10% of calls fail, seed 42; RuntimeOptions.faults in tests
 */

export interface FaultOptions {
  /** The share of calls that fail, 0..1. */
  rate: number;
  seed: number;
  /** Only these services' calls fail (all five when absent). */
  services?: FaultService[];
  /** No more faults than this many (none when absent): a service that fails for a while, then recovers. */
  limit?: number;
}

export type FaultService = 'dynamodb' | 'stepfunctions' | 'scheduler' | 'events' | 'sns';

export type Fault =
  /** The service throttles the call (429/400 ThrottlingException and kin). */
  | 'throttling'
  /** DynamoDB cancels the transaction for a conflict (TransactWriteItems only). */
  | 'conflict'
  /** The service fails (500). */
  | 'server-error'
  /** The connection drops before the request is served. */
  | 'timeout'
  /** DynamoDB serves the request, and the answer is lost on the way back. */
  | 'lost-answer';

/** mulberry32: small, fast, good enough to pick faults (or shuffle a benchmark's requests) reproducibly. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const SERVICES: readonly FaultService[] = ['dynamodb', 'stepfunctions', 'scheduler', 'events', 'sns'];

export class FaultInjector {
  private readonly randoms: Map<FaultService, () => number>;
  /** Calls seen and faults injected, by service and kind: the figures a fault run reports. */
  readonly calls: Record<string, number> = {};
  readonly injected: Record<string, number> = {};

  constructor(readonly options: FaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1))
      throw new Error(`Fault rate ${options.rate} is not within 0..1`);
    this.randoms = new Map(
      SERVICES.map((service, i) => [service, seededRandom(options.seed + i * 0x9e3779b9)]),
    );
  }

  /** The fault this call meets, if any. */
  next(service: FaultService, transaction = false): Fault | undefined {
    this.calls[service] = (this.calls[service] ?? 0) + 1;
    if (this.options.services && !this.options.services.includes(service)) return undefined;
    if (this.options.limit !== undefined && this.total >= this.options.limit) return undefined;
    const random = this.randoms.get(service) as () => number;
    if (random() >= this.options.rate) return undefined;
    const kinds: Fault[] =
      this.options.rate >= 1
        ? ['server-error'] // a service that is down answers 5xx, every time
        : service === 'dynamodb'
          ? [
              'throttling',
              'server-error',
              'timeout',
              'lost-answer',
              ...(transaction ? (['conflict'] as const) : []),
            ]
          : ['throttling', 'server-error', 'timeout'];
    const fault = kinds[Math.floor(random() * kinds.length)] as Fault;
    const key = `${service}:${fault}`;
    this.injected[key] = (this.injected[key] ?? 0) + 1;
    return fault;
  }

  get total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }
}

/** HELSEKJOP_FAULTS=<rate>:<seed> (e.g. 0.1:42) as FaultOptions; undefined when unset. */
export const faultOptionsFrom = (value: string | undefined): FaultOptions | undefined => {
  if (!value) return undefined;
  const [rate, seed = '1'] = value.split(':');
  const options = { rate: Number(rate), seed: Number(seed) };
  if (!(options.rate >= 0 && options.rate <= 1) || !Number.isInteger(options.seed))
    throw new Error(`HELSEKJOP_FAULTS must be <rate 0..1>:<integer seed>, got ${value}`);
  return options;
};
