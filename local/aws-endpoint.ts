/**
 * One loopback endpoint that speaks the wire protocols of the AWS services the handlers call, so
 * the AWS SDK clients work unchanged (AWS_ENDPOINT_URL_SFN, _EVENTBRIDGE, _SCHEDULER, _SNS):
 * Step Functions (awsJson1_0), EventBridge (awsJson1_1), Scheduler (restJson), SNS (awsQuery).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Request } from '../functions/access.ts';
import { log } from '../functions/shared/log.ts';
import {
  AccessDenied,
  type LocalAccessControl,
  OPERATOR_ACCESS_KEY,
  signingAccessKey,
} from './access-control.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { FaultInjector, FaultService } from './faults.ts';
import { ACCOUNT, REGION } from './functions.ts';
import { closeServer, listenOnLoopback, readRawBody } from './loopback.ts';
import type { LocalScheduler } from './scheduler.ts';
import { AwsError, type LocalStepFunctions } from './stepfunctions.ts';

export interface SnsMessage {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  at: string;
}

const readBody = async (req: IncomingMessage): Promise<string> => (await readRawBody(req)).toString('utf8');

const busArn = (name = 'default') =>
  name.startsWith('arn:') ? name : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class AwsEndpoint {
  private server: Server | undefined;
  readonly sns: SnsMessage[] = [];

  constructor(
    private readonly sfn: LocalStepFunctions,
    private readonly bus: LocalEventBus,
    private readonly scheduler: LocalScheduler,
    private readonly now: () => Date,
    private readonly access: LocalAccessControl,
    private readonly faults?: FaultInjector,
  ) {}

  /** The fault switch's verdict on this call: thrown as the service would answer it. */
  private maybeFail(service: FaultService, req: IncomingMessage): boolean {
    // Only the functions' calls fail: the operator (the runtime itself, tests, scripts) is spared.
    if (!this.faults || signingAccessKey(req.headers) === OPERATOR_ACCESS_KEY) return false;
    const fault = this.faults.next(service);
    if (!fault) return false;
    if (fault === 'timeout') {
      req.socket.destroy();
      return true;
    }
    if (fault === 'throttling')
      throw service === 'sns'
        ? new AwsError('Throttling', 'Rate exceeded (fault switch)', 400)
        : new AwsError(
            'ThrottlingException',
            'Rate exceeded (fault switch)',
            service === 'scheduler' ? 429 : 400,
          );
    throw new AwsError(
      service === 'scheduler'
        ? 'InternalServerException'
        : service === 'sns'
          ? 'InternalError'
          : 'InternalFailure',
      'Internal failure (fault switch)',
      500,
    );
  }

  async start(port = 0): Promise<string> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res), port);
    this.server = server;
    return url;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const url = new URL(req.url ?? '/', 'http://local');
    const isSns = /Action=/.test(body) && !target;
    try {
      if (target.startsWith('AWSStepFunctions.')) {
        const op = target.slice(17);
        const input = JSON.parse(body || '{}');
        this.access.check(req.headers, this.stepFunctionsRequests(op, input));
        if (this.maybeFail('stepfunctions', req)) return;
        return this.json(res, 200, this.stepFunctions(op, input), '1.0');
      }
      if (target.startsWith('AWSEvents.')) {
        const op = target.slice(10);
        const input = JSON.parse(body || '{}');
        this.access.check(
          req.headers,
          ((input.Entries ?? []) as { EventBusName?: string }[]).map((e) => ({
            action: `events:${op}`,
            resource: busArn(e.EventBusName),
          })),
        );
        if (this.maybeFail('events', req)) return;
        return this.json(res, 200, this.events(op, input), '1.1');
      }
      if (url.pathname.startsWith('/schedules')) {
        this.access.check(req.headers, this.scheduleRequests(req.method ?? 'GET', url, body));
        if (this.maybeFail('scheduler', req)) return;
        return this.json(res, 200, this.schedules(req.method ?? 'GET', url, body));
      }
      if (isSns) {
        const form = new URLSearchParams(body);
        const action = form.get('Action') ?? '';
        this.access.check(req.headers, [{ action: `sns:${action}`, resource: form.get('TopicArn') ?? '*' }]);
        if (this.maybeFail('sns', req)) return;
        if (action === 'Publish') return this.publish(res, form);
      }
      throw new AwsError(
        'UnknownOperationException',
        `The local AWS endpoint does not serve ${req.method} ${url.pathname} ${target}`,
      );
    } catch (error) {
      const e =
        error instanceof AwsError
          ? error
          : error instanceof AccessDenied
            ? new AwsError(
                'AccessDeniedException',
                error.message,
                url.pathname.startsWith('/schedules') ? 403 : 400,
              )
            : new AwsError(
                error instanceof SyntaxError ? 'SerializationException' : 'InternalFailure',
                (error as Error).message,
                error instanceof SyntaxError ? 400 : 500,
              );
      if (e.status >= 500 && !e.message.includes('(fault switch)'))
        log.error('local AWS endpoint failed', { error });
      if (isSns) {
        // SNS speaks the query protocol: XML errors, and IAM refusals are AuthorizationError.
        const code = e.name === 'AccessDeniedException' ? 'AuthorizationError' : e.name;
        res.writeHead(e.name === 'AccessDeniedException' ? 403 : e.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.writeHead(e.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': e.name,
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify({ __type: e.name, message: e.message, Message: e.message }));
    }
  }

  /** What IAM checks for a Step Functions call: the state machine, or the execution it names. */
  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private stepFunctionsRequests(op: string, input: any): Request[] {
    const action = `states:${op}`;
    if (op === 'StartExecution' || op === 'ListExecutions')
      return [{ action, resource: String(input.stateMachineArn ?? '') }];
    if (op.startsWith('SendTask')) {
      // A task token belongs to an execution of one state machine; an unknown token is for
      // Step Functions to refuse (TaskDoesNotExist), not IAM.
      const machine = this.sfn.stateMachineOfTask(String(input.taskToken ?? ''));
      return machine ? [{ action, resource: machine }] : [];
    }
    return [{ action, resource: String(input.executionArn ?? '') }];
  }

  private scheduleRequests(method: string, url: URL, body: string): Request[] {
    const name = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const input = body ? JSON.parse(body) : {};
    const group = url.searchParams.get('groupName') ?? input.GroupName ?? 'default';
    const resource = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/${name || '*'}`;
    const action =
      {
        POST: 'scheduler:CreateSchedule',
        PUT: 'scheduler:UpdateSchedule',
        DELETE: 'scheduler:DeleteSchedule',
        GET: name ? 'scheduler:GetSchedule' : 'scheduler:ListSchedules',
      }[method] ?? `scheduler:${method}`;
    const passRole: Request[] =
      (method === 'POST' || method === 'PUT') && input.Target?.RoleArn
        ? [{ action: 'iam:PassRole', resource: String(input.Target.RoleArn) }]
        : [];
    return [{ action, resource }, ...passRole];
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
      case 'ListStateMachines':
        return this.sfn.listStateMachines();
      case 'ListExecutions':
        return this.sfn.listExecutions(input.stateMachineArn, input.statusFilter);
      case 'GetExecutionHistory':
        return this.sfn.getExecutionHistory(input);
      case 'RedriveExecution':
        return this.sfn.redriveExecution(input.executionArn);
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
