/**
 * `Idempotency-Key` on creating POSTs: the record is written in the same transaction as the thing
 * created, so a retried request replays the first answer and never creates twice, even when two
 * retries race (the loser's transaction fails on the record's condition, or on the created item's,
 * and replays the winner's answer).
 */

import { getItem, type Keyed, type TransactItem, tableName } from '../adapters/store.ts';
import { ExtraConditionFailed, StoreBusy, StoreConflict } from '../adapters/store-errors.ts';
import type { Principal } from '../domain/actors.ts';
import { canonicalJson, sha256 } from '../shared/canonical.ts';
import { nowMs } from '../shared/clock.ts';
import { ruleProblem } from './errors.ts';
import type { HttpRequest, HttpResult } from './http.ts';

const RETENTION_SECONDS = 24 * 60 * 60;

interface IdempotencyRecord extends Keyed {
  requestHash: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  ttl: number;
}

const keyOf = (principal: Principal, key: string): Keyed => ({
  PK: `IDEMPOTENCY#${principal.sub}#${key}`,
  SK: 'IDEMPOTENCY',
});

const replay = (record: IdempotencyRecord, requestHash: string): HttpResult => {
  if (record.requestHash !== requestHash) {
    throw ruleProblem('This Idempotency-Key was already used for a different request', [
      { header: 'Idempotency-Key', detail: 'Use a new key for a new request' },
    ]);
  }
  return {
    status: record.status,
    body: record.body,
    headers: { ...record.headers, 'idempotency-replayed': 'true' },
  };
};

export type Remember = (result: HttpResult) => TransactItem[];

/**
 * Runs `create` once per (user, key). `create` gets `remember`, which returns the transaction items
 * to add to its commit (none when the request carries no key).
 */
export const createIdempotently = async (
  req: HttpRequest,
  create: (remember: Remember) => Promise<HttpResult>,
): Promise<HttpResult> => {
  const principal = req.principal as Principal | undefined;
  if (!req.idempotencyKey || !principal) return create(() => []);
  const key = keyOf(principal, req.idempotencyKey);
  const requestHash = sha256(`${req.path}\n${canonicalJson(req.body ?? null)}`);
  const existing = await getItem<IdempotencyRecord>(key);
  if (existing) return replay(existing, requestHash);
  const remember: Remember = (result) => [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...key,
          requestHash,
          status: result.status ?? 201,
          body: result.body,
          ...(result.headers ? { headers: result.headers } : {}),
          ttl: Math.floor(nowMs() / 1000) + RETENTION_SECONDS,
        } satisfies IdempotencyRecord,
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
  try {
    return await create(remember);
  } catch (error) {
    // A concurrent retry with the same key won: its transaction wrote the record, and ours failed on
    // the record's condition, or first on the thing itself when its id comes from the request (a
    // supplier's from its name), or met the winner's transaction in flight every time it tried
    // (StoreBusy). Whichever, the winner's answer is the one to replay.
    if (
      error instanceof ExtraConditionFailed ||
      error instanceof StoreConflict ||
      error instanceof StoreBusy
    ) {
      const winner = await getItem<IdempotencyRecord>(key);
      if (winner) return replay(winner, requestHash);
    }
    throw error;
  }
};
