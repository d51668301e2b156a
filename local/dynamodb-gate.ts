/**
 * The DynamoDB gate: functions reach DynamoDB Local through this proxy, which checks each call
 * against the calling function's statements as IAM does for DynamoDB: the action of each
 * operation (a transaction needs the action of each of its items), the table or index it names,
 * and the partition keys it touches (`dynamodb:LeadingKeys`). Refused calls answer
 * AccessDeniedException and never reach the database.
 *
 * It also does what DynamoDB does and DynamoDB Local does not: a transaction that touches an item
 * another transaction in flight holds is cancelled (`TransactionCanceledException`, reason
 * `TransactionConflict` at that item's position), and a single write to such an item is refused
 * (`TransactionConflictException`). DynamoDB Local runs transactions one after the other and never
 * says so, which would hide what many bids checking one tender at its deadline meet on AWS.
 */

import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { Request } from '../functions/access.ts';
import { tableShape } from '../functions/contracts/table.ts';
import { log } from '../functions/shared/log.ts';
import { type LocalAccessControl, OPERATOR_ACCESS_KEY, signingAccessKey } from './access-control.ts';
import type { Fault, FaultInjector } from './faults.ts';
import { ACCOUNT, REGION } from './functions.ts';
import { closeServer, listenOnLoopback, readRawBody } from './loopback.ts';

type AttributeValue = { S?: string; N?: string };
type Key = Record<string, AttributeValue> | undefined;
// biome-ignore lint/suspicious/noExplicitAny: DynamoDB wire payloads, read field by field
type Payload = any;

const tableArn = (table: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;
const leadingKeyOf = (key: Key): string[] => {
  const value = key?.[tableShape.partitionKey]?.S;
  return value === undefined ? [] : [value];
};

/** The IAM requests one DynamoDB operation makes. */
export const requestsOf = (operation: string, body: Payload): Request[] => {
  const one = (action: string, table: string, key?: Key, index?: string): Request => ({
    action: `dynamodb:${action}`,
    resource: index ? `${tableArn(table)}/index/${index}` : tableArn(table),
    leadingKeys: leadingKeyOf(key),
  });
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [one(operation, body.TableName, body.Key)];
    case 'PutItem':
      return [one(operation, body.TableName, body.Item)];
    case 'Query':
    case 'Scan':
      return [one(operation, body.TableName, undefined, body.IndexName)];
    case 'BatchGetItem':
      return Object.keys(body.RequestItems ?? {}).map((table) => one('BatchGetItem', table));
    case 'BatchWriteItem':
      return Object.entries(body.RequestItems ?? {}).flatMap(([table, writes]) =>
        (writes as Payload[]).map((w) =>
          one('BatchWriteItem', table, w.PutRequest?.Item ?? w.DeleteRequest?.Key),
        ),
      );
    case 'TransactGetItems':
      return (body.TransactItems ?? []).map((t: Payload) => one('GetItem', t.Get?.TableName, t.Get?.Key));
    case 'TransactWriteItems':
      return (body.TransactItems ?? []).map((t: Payload) => {
        if (t.Put) return one('PutItem', t.Put.TableName, t.Put.Item);
        if (t.Update) return one('UpdateItem', t.Update.TableName, t.Update.Key);
        if (t.Delete) return one('DeleteItem', t.Delete.TableName, t.Delete.Key);
        return one('ConditionCheckItem', t.ConditionCheck?.TableName, t.ConditionCheck?.Key);
      });
    default:
      return [one(operation, body.TableName ?? '*')];
  }
};

/** The item a transaction entry or a single write names, as one string. */
const itemOf = (table: string | undefined, key: Payload): string =>
  JSON.stringify([table, key?.[tableShape.partitionKey], key?.[tableShape.sortKey]]);

/** The items of a TransactWriteItems, in order. */
const transactionItems = (body: Payload): string[] =>
  (body.TransactItems ?? []).map((t: Payload) => {
    if (t.Put) return itemOf(t.Put.TableName, t.Put.Item);
    const entry = t.Update ?? t.Delete ?? t.ConditionCheck;
    return itemOf(entry?.TableName, entry?.Key);
  });

const singleWriteItem = (operation: string, body: Payload): string | undefined => {
  if (operation === 'PutItem') return itemOf(body.TableName, body.Item);
  if (operation === 'UpdateItem' || operation === 'DeleteItem') return itemOf(body.TableName, body.Key);
  return undefined;
};

export class DynamoGate {
  private server: Server | undefined;
  /** Items held by the transaction DynamoDB Local is executing, with how many hold each. */
  private readonly held = new Map<string, number>();
  /**
   * DynamoDB Local executes transactions one at a time: the gate queues them itself, so that an
   * item counts as held while its transaction executes, not while it waits in DynamoDB Local's
   * queue (which AWS does not have), and a transaction conflicts with the one executing when it arrives.
   */
  private transactions: Promise<void> = Promise.resolve();
  /** ClientRequestTokens of transactions applied, and when: DynamoDB remembers them for 10 minutes. */
  private readonly appliedTokens = new Map<string, number>();

  private alreadyApplied(token: string | undefined): boolean {
    const horizon = Date.now() - 10 * 60_000;
    for (const [known, at] of this.appliedTokens) {
      if (at >= horizon) break;
      this.appliedTokens.delete(known);
    }
    return token !== undefined && this.appliedTokens.has(token);
  }

  /** Transactions answered from their ClientRequestToken without being applied again (a figure for tests). */
  replayed = 0;

  /** Transactions cancelled and single writes refused for a transaction in flight (a figure for tests). */
  conflicts = 0;

  /**
   * Writes DynamoDB Local applied for the functions so far: the stream poller knows there may be
   * records to read (the local clock waits for the outbox's events as for any work a timer woke).
   */
  writes = 0;

  constructor(
    private readonly target: string,
    private readonly access: LocalAccessControl,
    private readonly faults?: FaultInjector,
  ) {}

  async start(): Promise<string> {
    const { server, url } = await listenOnLoopback((req, res) => {
      this.handle(req, res).catch((error) => {
        log.error('local DynamoDB gate failed', { error });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    this.server = server;
    return url;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readRawBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let payload: Payload;
    try {
      payload = JSON.parse(body.toString('utf8') || '{}');
      this.access.check(req.headers, requestsOf(operation, payload));
    } catch (error) {
      const denied = (error as Error).name === 'AccessDeniedException';
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: `com.amazon.coral.service#${denied ? 'AccessDeniedException' : 'SerializationException'}`,
          Message: (error as Error).message,
        }),
      );
      return;
    }
    // DynamoDB answers a transaction sent again with the ClientRequestToken of one it applied (the
    // SDK's own retry after a lost answer) as it answered the first, without applying it twice:
    // before anything else, as DynamoDB does at its front door.
    if (operation === 'TransactWriteItems' && this.alreadyApplied(payload.ClientRequestToken)) {
      this.replayed++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
      return;
    }
    // Only the functions' calls fail: the operator (the runtime itself, tests, scripts) is spared.
    const operator = signingAccessKey(req.headers) === OPERATOR_ACCESS_KEY;
    const fault = operator ? undefined : this.faults?.next('dynamodb', operation === 'TransactWriteItems');
    if (fault && fault !== 'lost-answer') return failAs(fault, operation, payload, req, res);
    if (fault === 'lost-answer') {
      // Served, and the answer lost: the SDK sends the request again (a transaction with the same
      // ClientRequestToken, which DynamoDB answers as the first time without applying it twice).
      await this.serve(req, swallowingResponse(), operation, payload, body);
      req.socket.destroy();
      return;
    }
    return this.serve(req, res, operation, payload, body);
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    operation: string,
    payload: Payload,
    body: Buffer,
  ): Promise<void> {
    const items = operation === 'TransactWriteItems' ? transactionItems(payload) : [];
    const single = singleWriteItem(operation, payload);
    if (items.some((item) => this.held.has(item)) || (single && this.held.has(single))) {
      this.conflicts++;
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(single ? singleWriteConflict() : transactionConflict(items, this.held)));
      return;
    }
    if (!items.length) {
      const status = await this.forward(req, res, body);
      if (single && status === 200) this.writes++;
      return;
    }
    const token: string | undefined = payload.ClientRequestToken;
    const turn = this.transactions.then(async () => {
      for (const item of items) this.held.set(item, (this.held.get(item) ?? 0) + 1);
      try {
        const status = await this.forward(req, res, body);
        if (status === 200) this.writes++;
        if (token && status === 200) this.appliedTokens.set(token, Date.now());
      } finally {
        for (const item of items) {
          const holders = (this.held.get(item) ?? 1) - 1;
          if (holders > 0) this.held.set(item, holders);
          else this.held.delete(item);
        }
      }
    });
    this.transactions = turn.catch(() => undefined);
    return turn;
  }

  private async forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<number> {
    const url = new URL(this.target);
    return new Promise<number>((resolve, reject) => {
      const forward = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
        },
        (answer) => {
          const status = answer.statusCode ?? 500;
          res.writeHead(status, answer.headers);
          answer.pipe(res);
          answer.on('end', () => resolve(status));
          answer.on('error', reject);
        },
      );
      forward.on('error', reject);
      forward.end(body);
    });
  }
}

const transactionConflict = (items: string[], held: Map<string, number>) => {
  const reasons = items.map((item) =>
    held.has(item)
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    CancellationReasons: reasons,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
  };
};

const singleWriteConflict = () => ({
  __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
  message: 'Transaction is ongoing for the item',
});

const awsJsonError = (res: ServerResponse, status: number, type: string, message: string, extra = {}) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra }));
};

/** A fault of the fault switch, as DynamoDB answers it. */
const failAs = (
  fault: Fault,
  operation: string,
  payload: Payload,
  req: IncomingMessage,
  res: ServerResponse,
) => {
  switch (fault) {
    case 'throttling':
      return awsJsonError(
        res,
        400,
        'ThrottlingException',
        'Rate of requests exceeds the allowed throughput (fault switch)',
      );
    case 'conflict': {
      const reasons = transactionItems(payload).map((_, i) =>
        i === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      );
      return awsJsonError(res, 400, 'TransactionCanceledException', 'Transaction cancelled (fault switch)', {
        CancellationReasons: reasons,
      });
    }
    case 'server-error':
      return awsJsonError(
        res,
        500,
        'InternalServerError',
        `Internal server error (fault switch, ${operation})`,
      );
    default:
      req.socket.destroy();
  }
};

/** A response that swallows what is written to it (the fault switch's lost answers). */
const swallowingResponse = (): ServerResponse =>
  Object.assign(
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    }),
    {
      headersSent: false,
      writeHead(this: { headersSent: boolean }) {
        this.headersSent = true;
        return this;
      },
    },
  ) as unknown as ServerResponse;
