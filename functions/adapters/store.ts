/**
 * Every change to an aggregate is written here, and only here: one DynamoDB transaction that puts
 * the aggregate under an optimistic-lock condition and appends its audit event, hash-chained to the
 * one before, and the domain events that tell others about it (the outbox,
 * functions/contracts/outbox.ts). No change without its audit event and its domain events, none of
 * them without the change; a sequence cannot fork because the audit event item is written with
 * attribute_not_exists. A write that loses to another
 * writer raises VersionConflict or AlreadyExists (./store-errors.ts), never an HTTP problem: the
 * HTTP edge maps them to a 409, the workflow tasks to `VersionConflict`.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { eventSchemas } from '../contracts/events.ts';
import {
  EVENT_ID_FIELD,
  eventIdOf,
  OUTBOX_PENDING,
  OUTBOX_TTL_DAYS,
  type OutboxEvent,
  type OutboxItem,
  outboxKey,
} from '../contracts/outbox.ts';
import type { Actor } from '../domain/actors.ts';
import { type AuditEvent, GENESIS, hashEvent } from '../domain/audit.ts';
import { nowIso } from '../shared/clock.ts';
import { ddb } from './clients.ts';
import { env } from './env.ts';
import { AlreadyExists, ExtraConditionFailed, StoreBusy, VersionConflict } from './store-errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Keyed {
  PK: string;
  SK: string;
}

/** What every aggregate item carries besides its own fields. */
export interface Versioned extends Keyed {
  version: number;
  auditHead: string;
}

export interface AggregateRef {
  type: string;
  id: string;
}

export interface CommitInput<T extends Keyed> {
  aggregate: AggregateRef;
  /** The tenant the change belongs to (`global` for shared reference data such as suppliers). */
  entityId: string;
  /** The aggregate as it was read (undefined when it is created). */
  before: Versioned | undefined;
  /** The aggregate as it is to be stored, without version and auditHead. */
  after: T;
  actor: Actor;
  action: string;
  reason?: string;
  /** What changed, as the auditor should read it. */
  change: unknown;
  executionArn?: string;
  /** Other writes that must happen in the same transaction (idempotency record, child items…). */
  extra?: TransactItem[];
  /** Domain events that report this change: sent at least once if, and only if, it is committed. */
  events?: OutboxEvent[];
  /**
   * When the change happened, if the caller stamped the aggregate with that time (its `createdAt`,
   * `deliveredAt`…): the audit event then says the same. Else the time of the commit.
   */
  at?: string;
}

export const tableName = (): string => env('TABLE_NAME');

export const auditKey = (ref: AggregateRef, seq: number): Keyed => ({
  PK: `AUDIT#${ref.type}#${ref.id}`,
  SK: `SEQ#${String(seq).padStart(10, '0')}`,
});

export const buildAuditEvent = (
  input: Omit<AuditEvent, 'hash' | 'seq' | 'prevHash' | 'at'>,
  before: Versioned | undefined,
  at: string,
): AuditEvent => {
  const unhashed: Omit<AuditEvent, 'hash'> = {
    ...input,
    seq: (before?.version ?? 0) + 1,
    prevHash: before?.auditHead ?? GENESIS,
    at,
  };
  return { ...unhashed, hash: hashEvent(unhashed) };
};

const prepare = <T extends Keyed>(input: CommitInput<T>, at: string) => {
  const event = buildAuditEvent(
    {
      aggregateType: input.aggregate.type,
      aggregateId: input.aggregate.id,
      actor: { sub: input.actor.sub, name: input.actor.name, role: input.actor.role },
      entityId: input.entityId,
      action: input.action,
      ...(input.reason ? { reason: input.reason } : {}),
      change: input.change ?? null,
      ...(input.executionArn ? { executionArn: input.executionArn } : {}),
    },
    input.before,
    at,
  );
  const item = { ...input.after, version: event.seq, auditHead: event.hash } as T & Versioned;
  const TableName = tableName();
  const aggregatePut: TransactItem = {
    Put: {
      TableName,
      Item: item,
      ...(input.before
        ? {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': input.before.version },
          }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    },
  };
  const auditPut: TransactItem = {
    Put: {
      TableName,
      Item: {
        ...auditKey(input.aggregate, event.seq),
        GSI1PK: `ENTITY#${input.entityId}#AUDIT`,
        GSI1SK: `${at}#${input.aggregate.type}#${input.aggregate.id}#${String(event.seq).padStart(10, '0')}`,
        // The history of what the aggregate belongs to (its partition: a tender, an agreement…).
        GSI2PK: `HISTORY#${input.after.PK}`,
        // Where the aggregate lives, so a verification can compare it with its last event.
        itemPK: input.after.PK,
        itemSK: input.after.SK,
        GSI2SK: `${at}#${input.aggregate.type}#${input.aggregate.id}#${String(event.seq).padStart(10, '0')}`,
        ...event,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  const outbox = (input.events ?? []).map(
    (e, n): TransactItem => ({ Put: { TableName, Item: outboxItem(input.aggregate, event.seq, n, e, at) } }),
  );
  return { item, event, items: [aggregatePut, auditPut], outbox };
};

/** EventBridge takes entries up to 256 KB; the detail must leave room for the envelope. */
const MAX_DETAIL_BYTES = 200_000;

/**
 * The outbox item of one domain event, its detail checked against its detail-type's schema now (a
 * bad event fails the change, not its delivery later) and stamped with its stable id.
 */
const outboxItem = (
  aggregate: AggregateRef,
  seq: number,
  n: number,
  { detailType, detail }: OutboxEvent,
  at: string,
): OutboxItem => {
  const eventId = eventIdOf(aggregate.type, aggregate.id, seq, n);
  const json = JSON.stringify({ ...eventSchemas[detailType].parse(detail), [EVENT_ID_FIELD]: eventId });
  if (Buffer.byteLength(json) > MAX_DETAIL_BYTES)
    throw new Error(`The ${detailType} event of ${aggregate.type} ${aggregate.id} is too large to publish`);
  const key = outboxKey(aggregate.type, aggregate.id, seq, n);
  return {
    ...key,
    eventId,
    detailType,
    detail: json,
    at,
    GSI1PK: OUTBOX_PENDING,
    GSI1SK: `${at}#${eventId}`,
    ttl: Math.floor(Date.parse(at) / 1000) + OUTBOX_TTL_DAYS * 86_400,
  };
};

/** The position of the transaction item whose condition failed, if that is why it was cancelled. */
const conditionFailedAt = (error: unknown): number | undefined => {
  if (
    !(error instanceof TransactionCanceledException) &&
    (error as Error | undefined)?.name !== 'TransactionCanceledException'
  )
    return undefined;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  const failed = reasons.findIndex((r) => r?.Code === 'ConditionalCheckFailed');
  return failed >= 0 ? failed : undefined;
};

/** Whether DynamoDB cancelled the transaction because another one held one of its items, and for no condition. */
const conflictedOnly = (error: unknown): boolean => {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return (
    reasons.some((r) => r?.Code === 'TransactionConflict') &&
    !reasons.some((r) => r?.Code === 'ConditionalCheckFailed')
  );
};

/** How a transaction that met another one is tried again: full jitter, exponential, capped. */
export const CONFLICT_RETRY = { attempts: 10, baseMs: 15, capMs: 1_000 } as const;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one transaction, again after a random pause while DynamoDB cancels it only because a
 * concurrent transaction holds one of its items (`TransactionConflict`, e.g. many bids checking
 * one tender at its deadline). A cancelled transaction wrote nothing, so sending it again is safe;
 * its conditions are checked anew each time. Still conflicted after every attempt: StoreBusy.
 */
const transact = async (
  items: TransactItem[],
  movedAt?: () => Promise<number | undefined>,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!conflictedOnly(error)) throw error;
      if (attempt >= CONFLICT_RETRY.attempts)
        throw new StoreBusy(`The transaction met concurrent ones ${attempt} times; nothing was written`);
      await pause(Math.random() * Math.min(CONFLICT_RETRY.capMs, CONFLICT_RETRY.baseMs * 2 ** attempt));
      // Another writer may have won meanwhile: then the condition fails whatever happens, say so now.
      const moved = movedAt && (await movedAt());
      if (moved !== undefined) throw new VersionMoved(moved);
    }
  }
};

/** A retry could only fail the version condition at transaction position `at`: mapped by the caller. */
class VersionMoved extends Error {
  readonly at: number;
  constructor(at: number) {
    super(`The item at position ${at} changed`);
    this.at = at;
  }
}

/**
 * The transaction position of the first aggregate that is no longer at the version it was read at
 * (a strongly consistent read each), or undefined while all are.
 */
const firstMovedOf = (aggregates: { at: number; key: Keyed; version: number }[]) => async () => {
  for (const { at, key, version } of aggregates) {
    const current = await getItem<{ version?: number }>(key);
    if (current?.version !== version) return at;
  }
  return undefined;
};

/**
 * DynamoDB allows 100 items per transaction: two per aggregate (the item and its audit event), and
 * room for a few more (idempotency record, domain events).
 */
export const MAX_AGGREGATES_PER_COMMIT = 48;
const MAX_TRANSACTION_ITEMS = 100;

/**
 * Several aggregates changed together (e.g. a tender and the bids its change invalidates): every
 * change with its audit event, all in one transaction or none.
 */
export const commitAll = async (
  inputs: CommitInput<Keyed>[],
  extra: TransactItem[] = [],
): Promise<{ item: Keyed & Versioned; event: AuditEvent }[]> => {
  const now = nowIso();
  const prepared = inputs.map((input) => prepare(input, input.at ?? now));
  // Each aggregate's item is at position 2·i of the transaction, its audit event after it.
  const updated = inputs.flatMap((input, i) =>
    input.before
      ? [{ at: 2 * i, key: { PK: input.after.PK, SK: input.after.SK }, version: input.before.version }]
      : [],
  );
  // Outbox items last: they carry no condition, so a failed one is never theirs.
  const items = [...prepared.flatMap((p) => p.items), ...extra, ...prepared.flatMap((p) => p.outbox)];
  if (items.length > MAX_TRANSACTION_ITEMS)
    throw new Error(
      `A commit of ${items.length} items exceeds DynamoDB's ${MAX_TRANSACTION_ITEMS} per transaction`,
    );
  try {
    await transact(items, updated.length ? firstMovedOf(updated) : undefined);
  } catch (error) {
    const failed = error instanceof VersionMoved ? error.at : conditionFailedAt(error);
    if (failed === undefined) throw error;
    const input = inputs[Math.floor(failed / 2)];
    if (!input) throw new ExtraConditionFailed(failed - 2 * inputs.length);
    const name = `${input.aggregate.type} ${input.aggregate.id}`;
    throw input.before
      ? new VersionConflict(
          `${name} was changed by someone else since version ${input.before.version}; read it again and retry`,
        )
      : new AlreadyExists(`${name} already exists`);
  }
  return prepared.map(({ item, event }) => ({ item, event }));
};

export const commit = async <T extends Keyed>(
  input: CommitInput<T>,
): Promise<{ item: T & Versioned; event: AuditEvent }> => {
  const [result] = await commitAll([input as CommitInput<Keyed>], input.extra);
  return result as { item: T & Versioned; event: AuditEvent };
};

/**
 * Writes `items` only if `aggregate` is still at the version it was read at (nothing is decided
 * meanwhile that the writer did not see): VersionConflict otherwise.
 */
export const writeIfUnchanged = async (
  aggregate: Keyed & { version: number },
  items: TransactItem[],
): Promise<void> => {
  try {
    const key = { PK: aggregate.PK, SK: aggregate.SK };
    await transact(
      [
        {
          ConditionCheck: {
            TableName: tableName(),
            Key: { PK: aggregate.PK, SK: aggregate.SK },
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': aggregate.version },
          },
        },
        ...items,
      ],
      firstMovedOf([{ at: 0, key, version: aggregate.version }]),
    );
  } catch (error) {
    const failed = error instanceof VersionMoved ? error.at : conditionFailedAt(error);
    if (failed === undefined) throw error;
    if (failed > 0) throw new ExtraConditionFailed(failed - 1);
    throw new VersionConflict(
      `${aggregate.PK} ${aggregate.SK} changed since version ${aggregate.version}; read it again and retry`,
    );
  }
};

/**
 * Puts `item` only if the stored one meets `condition` (with `values`). Returns whether it did:
 * false when someone else wrote meanwhile.
 */
export const putIf = async (
  item: Keyed & Record<string, unknown>,
  condition: string,
  values: Record<string, unknown>,
): Promise<boolean> => {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: item,
        ConditionExpression: condition,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error).name === 'ConditionalCheckFailedException'
    )
      return false;
    throw error;
  }
};

export const getItem = async <T>(key: Keyed, consistent = true): Promise<T | undefined> => {
  const result = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }),
  );
  return result.Item as T | undefined;
};

/** Strip the storage keys and bookkeeping before an aggregate leaves the API. */
export const withoutKeys = <T extends object>(
  item: T,
): Omit<T, 'PK' | 'SK' | 'GSI1PK' | 'GSI1SK' | 'GSI2PK' | 'GSI2SK' | 'auditHead'> => {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1,
    GSI1SK: _g1s,
    GSI2PK: _g2,
    GSI2SK: _g2s,
    auditHead: _h,
    ...rest
  } = item as Record<string, unknown>;
  return rest as never;
};
