/**
 * A Lambda event source mapping on the table's stream, locally: reads DynamoDB Local's own stream
 * (DynamoDB Streams API, kept with the data, so records written before a crash are read after the
 * restart), keeps the records that match the consumer's filter (functions/manifest.ts
 * `streamConsumers`, the same filter the stack gives the mapping), invokes the target with a batch
 * in Lambda's record format, and honours its answer as Lambda does:
 * - `batchItemFailures` names a record: the records before it are done, the batch is read again
 *   from it (after a pause that grows);
 * - the invocation fails: the whole batch again;
 * - a batch that failed `retryAttempts` times is given up (logged as a dead letter) and the next is read.
 * Where it is in each shard is kept in `<dataDir>/streams.json` after every batch: after a crash it
 * reads again from there (at least once), never skips.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamConsumerSpec } from '../functions/manifest.ts';
import { log } from '../functions/shared/log.ts';
import { matches } from './event-pattern.ts';
import { type Invoke, REGION } from './functions.ts';
import type { JsonFile } from './persist.ts';

/** Where each shard was read to, per stream; `closed` once a shard's records are all read. */
export interface StreamPositions {
  streams: Record<string, Record<string, { after?: string; closed?: boolean }>>;
}

const POLL_MS = 250;
const BACKOFF = { baseMs: 100, capMs: 5_000 };

export class LocalStreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string>();
  private shards: Shard[] = [];
  /** The positions, read from the file once and written back after every batch. */
  private known: StreamPositions | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** The gate's write count when the last poll that found nothing began. */
  private drainedAt = -1;
  private failures = 0;
  /** A poll is due at once (someone waits for the poller to be idle). */
  private soon = false;
  /** Batches given up after their retries (a figure for tests). */
  readonly deadLetters: { shardId: string; first: string; last: string; error: string }[] = [];
  /** Records handed to the target, and invocations (figures for tests). */
  delivered = 0;
  invocations = 0;
  /** Invocations that failed or reported a failed record, each followed by a retry (a figure for tests). */
  failedInvocations = 0;

  constructor(
    endpoint: string,
    private readonly streamArn: string,
    private readonly consumer: StreamConsumerSpec,
    private readonly invoke: Invoke,
    private readonly positions: JsonFile<StreamPositions>,
    /** How many writes DynamoDB Local applied for the functions (the gate counts them). */
    private readonly writes: () => number,
  ) {
    this.client = new DynamoDBStreamsClient({
      endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  private readonly wanted = (record: LambdaRecord): boolean =>
    matches(this.consumer.filter, record as unknown as Record<string, unknown>);

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
    this.client.destroy();
  }

  /**
   * Records may wait: writes happened since the last poll that found none, or a poll runs. Someone
   * is waiting for it to be idle (the local clock, a test): then it reads now, not at its next tick.
   */
  get busy(): boolean {
    const busy = !this.stopped && (this.running || this.drainedAt !== this.writes());
    if (busy && !this.running && !this.soon && this.failures === 0) {
      this.soon = true;
      this.schedule(0);
    }
    return busy;
  }

  /** Resolves once every record written so far has been handed over (tests). */
  async idle(): Promise<void> {
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.soon = false;
    const writesBefore = this.writes();
    let next = POLL_MS;
    try {
      const read = await this.pollShards();
      this.failures = 0;
      if (read === 0) this.drainedAt = writesBefore;
      else next = 0;
    } catch (error) {
      this.failures++;
      next = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** this.failures);
      if (this.failures === 1 || this.failures % 10 === 0)
        log.warn('the stream poller failed; it tries again', { consumer: this.consumer.name, error });
    } finally {
      this.running = false;
    }
    this.schedule(next);
  }

  private state(): Record<string, { after?: string; closed?: boolean }> {
    this.known ??= this.positions.read();
    this.known.streams[this.streamArn] ??= {};
    return this.known.streams[this.streamArn] as Record<string, { after?: string; closed?: boolean }>;
  }

  private save(shardId: string, position: { after?: string; closed?: boolean }): void {
    const stream = this.state();
    stream[shardId] = { ...stream[shardId], ...position };
    this.positions.write(this.known as StreamPositions);
  }

  /** Reads every open shard whose parent is read; answers how many records it read. */
  private async pollShards(): Promise<number> {
    const positions = this.state();
    if (!this.shards.length || this.shards.some((s) => positions[s.ShardId as string]?.closed))
      this.shards = await this.describe();
    let read = 0;
    for (const shard of this.shards) {
      const id = shard.ShardId as string;
      if (positions[id]?.closed) continue;
      const parent = shard.ParentShardId;
      if (parent && this.shards.some((s) => s.ShardId === parent) && !positions[parent]?.closed) continue;
      read += await this.pollShard(id, positions[id]?.after);
    }
    return read;
  }

  private async describe(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async iterator(shardId: string, after: string | undefined): Promise<string | undefined> {
    const known = this.iterators.get(shardId);
    if (known) return known;
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  private async pollShard(shardId: string, after: string | undefined): Promise<number> {
    const iterator = await this.iterator(shardId, after);
    if (!iterator) {
      this.save(shardId, { closed: true });
      return 0;
    }
    let answer: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      answer = await this.client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.consumer.batchSize }),
      );
    } catch (error) {
      // An iterator that expired or points at trimmed records: a new one from the position.
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        this.iterators.delete(shardId);
        return 0;
      }
      throw error;
    }
    const records = answer.Records ?? [];
    if (!records.length) {
      if (answer.NextShardIterator) this.iterators.set(shardId, answer.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.save(shardId, { closed: true });
      }
      return 0;
    }
    const handled = await this.deliver(shardId, records);
    if (handled === records.length && answer.NextShardIterator) {
      this.iterators.set(shardId, answer.NextShardIterator);
    } else {
      // Read again from the first record not handled (a fresh iterator after the last one that was).
      this.iterators.delete(shardId);
    }
    const last = records[handled - 1]?.dynamodb?.SequenceNumber;
    if (last) this.save(shardId, { after: last });
    return records.length;
  }

  /**
   * Hands the matching records to the target; answers how many records (matching or not) are done.
   * A failure is retried here, with a growing pause, up to the consumer's retry budget.
   */
  private async deliver(shardId: string, records: StreamRecord[]): Promise<number> {
    const lambdaRecords = records.map((r) => lambdaRecordOf(r, this.streamArn));
    let from = 0;
    for (let attempt = 0; ; attempt++) {
      const batch = lambdaRecords.slice(from).filter(this.wanted);
      if (!batch.length) return records.length;
      let failedAt: string | undefined;
      let error = '';
      try {
        this.invocations++;
        const response = (await this.invoke(this.consumer.target, { Records: batch })) as
          | { batchItemFailures?: { itemIdentifier?: string }[] }
          | undefined;
        failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
        if (failedAt) error = `the target reported record ${failedAt} as failed`;
      } catch (e) {
        failedAt = batch[0]?.dynamodb.SequenceNumber;
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      if (!failedAt) {
        this.delivered += batch.length;
        return records.length;
      }
      this.failedInvocations++;
      const at = lambdaRecords.findIndex((r) => r.dynamodb.SequenceNumber === failedAt);
      const failedFrom = at >= 0 ? at : from;
      this.delivered += lambdaRecords.slice(from, failedFrom).filter(this.wanted).length;
      if (failedFrom > from) attempt = 0;
      from = failedFrom;
      if (this.stopped) return from;
      if (attempt + 1 >= this.consumer.retryAttempts) {
        const given = lambdaRecords.slice(from);
        this.deadLetters.push({
          shardId,
          first: given[0]?.dynamodb.SequenceNumber ?? '',
          last: given.at(-1)?.dynamodb.SequenceNumber ?? '',
          error,
        });
        log.error('a stream batch failed every retry and is given up', {
          consumer: this.consumer.name,
          shardId,
          records: given.length,
          error,
        });
        return records.length;
      }
      await new Promise((r) =>
        setTimeout(r, Math.random() * Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** attempt)),
      );
    }
  }
}

type LambdaRecord = ReturnType<typeof lambdaRecordOf>;

/** A stream record as Lambda hands it to a function. */
const lambdaRecordOf = (record: StreamRecord, streamArn: string) => ({
  eventID: record.eventID,
  eventName: record.eventName,
  eventVersion: record.eventVersion ?? '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: REGION,
  eventSourceARN: streamArn,
  dynamodb: {
    ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
      ? Math.floor(new Date(record.dynamodb.ApproximateCreationDateTime).getTime() / 1000)
      : undefined,
    Keys: record.dynamodb?.Keys,
    NewImage: record.dynamodb?.NewImage,
    SequenceNumber: record.dynamodb?.SequenceNumber as string,
    SizeBytes: record.dynamodb?.SizeBytes,
    StreamViewType: record.dynamodb?.StreamViewType,
  },
});
