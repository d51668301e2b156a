/**
 * One loopback endpoint that speaks the wire protocols of the AWS services the handlers call, so
 * the AWS SDK clients work unchanged (AWS_ENDPOINT_URL_SFN, _EVENTBRIDGE, _SCHEDULER, _SNS):
 * Step Functions (awsJson1_0), EventBridge (awsJson1_1), Scheduler (restJson), SNS (awsQuery).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '../functions/commons/log.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { LocalScheduler } from './scheduler.ts';
import { AwsError, type LocalStepFunctions } from './stepfunctions.ts';

export interface SnsMessage {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  at: string;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class AwsEndpoint {
  private server: Server | undefined;
  readonly sns: SnsMessage[] = [];

  constructor(
    private readonly sfn: LocalStepFunctions,
    private readonly bus: LocalEventBus,
    private readonly scheduler: LocalScheduler,
    private readonly now: () => Date,
  ) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      if (target.startsWith('AWSStepFunctions.'))
        return this.json(res, 200, this.stepFunctions(target.slice(17), JSON.parse(body || '{}')), '1.0');
      if (target.startsWith('AWSEvents.'))
        return this.json(res, 200, this.events(target.slice(10), JSON.parse(body || '{}')), '1.1');
      if (url.pathname.startsWith('/schedules'))
        return this.json(res, 200, this.schedules(req.method ?? 'GET', url, body));
      if (/Action=Publish/.test(body)) return this.publish(res, new URLSearchParams(body));
      throw new AwsError(
        'UnknownOperationException',
        `The local AWS endpoint does not serve ${req.method} ${url.pathname} ${target}`,
      );
    } catch (error) {
      const e =
        error instanceof AwsError
          ? error
          : new AwsError(
              error instanceof SyntaxError ? 'SerializationException' : 'InternalFailure',
              (error as Error).message,
              error instanceof SyntaxError ? 400 : 500,
            );
      if (e.status >= 500) log.error('local AWS endpoint failed', { error });
      res.writeHead(e.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': e.name,
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify({ __type: e.name, message: e.message, Message: e.message }));
    }
  }

  private json(res: ServerResponse, status: number, payload: unknown, version?: '1.0' | '1.1'): void {
    res.writeHead(status, {
      'content-type': version ? `application/x-amz-json-${version}` : 'application/json',
      'x-amzn-requestid': randomUUID(),
    });
    res.end(JSON.stringify(payload ?? {}));
  }

  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private stepFunctions(op: string, input: any): unknown {
    switch (op) {
      case 'StartExecution':
        return this.sfn.startExecution(input);
      case 'DescribeExecution':
        return this.sfn.describeExecution(input.executionArn);
      case 'ListExecutions':
        return this.sfn.listExecutions(input.stateMachineArn, input.statusFilter);
      case 'GetExecutionHistory':
        return this.sfn.getExecutionHistory(input);
      case 'StopExecution':
        return this.sfn.stopExecution(input.executionArn, input.error, input.cause);
      case 'SendTaskSuccess':
        return this.sfn.sendTaskSuccess(input.taskToken, input.output);
      case 'SendTaskFailure':
        return this.sfn.sendTaskFailure(input.taskToken, input.error, input.cause);
      case 'SendTaskHeartbeat':
        return this.sfn.sendTaskHeartbeat(input.taskToken);
      default:
        throw new AwsError('UnknownOperationException', `Step Functions ${op} is not served locally`);
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private events(op: string, input: any): unknown {
    if (op !== 'PutEvents')
      throw new AwsError('UnknownOperationException', `EventBridge ${op} is not served locally`);
    return this.bus.putEvents(input.Entries ?? []);
  }

  private schedules(method: string, url: URL, body: string): unknown {
    const name = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const group = url.searchParams.get('groupName') ?? undefined;
    const input = body ? JSON.parse(body) : {};
    if (method === 'GET' && !name)
      return {
        Schedules: this.scheduler
          .list(group)
          .map((s) => ({ Name: s.Name, GroupName: s.GroupName, Arn: s.Arn, State: s.State ?? 'ENABLED' })),
      };
    if (method === 'POST') return this.scheduler.create(name, input);
    if (method === 'PUT') return this.scheduler.update(name, input);
    if (method === 'GET') {
      const s = this.scheduler.get(name, group);
      return {
        ...s,
        CreationDate: s.CreationDate / 1000,
        LastModificationDate: s.LastModificationDate / 1000,
      };
    }
    if (method === 'DELETE') {
      this.scheduler.delete(name, group);
      return {};
    }
    throw new AwsError('ValidationException', `Unsupported ${method} on schedules`);
  }

  private publish(res: ServerResponse, form: URLSearchParams): void {
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ''] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const message: SnsMessage = {
      topicArn: form.get('TopicArn') ?? '',
      ...(form.get('Subject') ? { subject: form.get('Subject') ?? '' } : {}),
      message: form.get('Message') ?? '',
      attributes,
      at: this.now().toISOString(),
    };
    this.sns.push(message);
    log.info('notification (SNS email stand-in)', {
      subject: message.subject,
      entityId: attributes.entityId,
    });
    const id = randomUUID();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${xmlEscape(id)}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
}
