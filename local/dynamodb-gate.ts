/**
 * The DynamoDB gate: functions reach DynamoDB Local through this proxy, which checks each call
 * against the calling function's statements as IAM does for DynamoDB: the action of each
 * operation (a transaction needs the action of each of its items), the table or index it names,
 * and the partition keys it touches (`dynamodb:LeadingKeys`). Refused calls answer
 * AccessDeniedException and never reach the database.
 */
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Request } from '../functions/access.ts';
import { tableShape } from '../functions/contracts/table.ts';
import { log } from '../functions/shared/log.ts';
import type { LocalAccessControl } from './access-control.ts';
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

export class DynamoGate {
  private server: Server | undefined;

  constructor(
    private readonly target: string,
    private readonly access: LocalAccessControl,
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
    try {
      this.access.check(req.headers, requestsOf(operation, JSON.parse(body.toString('utf8') || '{}')));
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
    const url = new URL(this.target);
    await new Promise<void>((resolve, reject) => {
      const forward = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      forward.on('error', reject);
      forward.end(body);
    });
  }
}
