/**
 * Logs and metrics through withObservability: the HttpServerErrors metric of a handler that answers
 * a 5xx problem (and of none other), correlation ids on every log entry of an invocation and only
 * that invocation, errors with name, message and stack, LOG_LEVEL=silent keeping errors only.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

// Read when the modules are first evaluated, as on Lambda (functions/access.ts gives them).
vi.hoisted(() => {
  process.env.POWERTOOLS_SERVICE_NAME = 'referenceApi';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'Helsekjop';
});

import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ddb, tracer } from '../../functions/adapters/clients.ts';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { correlationIds, withObservability } from '../../functions/adapters/observability.ts';
import { handler } from '../../functions/handlers/api/reference.ts';
import { levelOf, log } from '../../functions/shared/log.ts';
import { apiEvent, lambdaContext, officerOf } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);

type Line = Record<string, unknown>;
let stdout: MockInstance;
let stderr: MockInstance;
const linesOf = (spy: MockInstance): Line[] =>
  spy.mock.calls
    .flatMap((call) => String(call[0]).split('\n'))
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as Line);
const emf = () => linesOf(stdout).filter((line) => '_aws' in line);
const errors = () => linesOf(stderr);

const supplier = apiEvent('GET /reference/suppliers/{supplierId}', {
  who: officerOf(),
  pathParameters: { supplierId: 'falck-norge-as' },
});

beforeEach(() => {
  ddbMock.reset();
  process.env.TABLE_NAME = 'table';
  resetEnvCache();
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('HttpServerErrors', () => {
  it('counts a request that ends in a 500 problem, in the namespace with the service dimension', async () => {
    ddbMock.on(GetCommand).rejects(new Error('DynamoDB is down'));
    const res = await handler(supplier, lambdaContext());
    expect(res.statusCode).toBe(500);
    const metrics = emf();
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Helsekjop',
            Dimensions: [['service']],
            Metrics: [{ Name: 'HttpServerErrors', Unit: 'Count' }],
          },
        ],
      },
      service: 'referenceApi',
      HttpServerErrors: 1,
    });
  });

  it('counts nothing, and writes nothing, for a 4xx problem or a success', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    expect((await handler(supplier, lambdaContext())).statusCode).toBe(404);
    const invalid = apiEvent('GET /reference/suppliers', { who: officerOf(), query: { limit: 'many' } });
    expect((await handler(invalid, lambdaContext())).statusCode).toBe(400);
    const list = apiEvent('GET /reference/hospital-areas', {
      who: officerOf(),
      query: { entity: 'helse-sor-ost' },
    });
    expect((await handler(list, lambdaContext())).statusCode).toBe(200);
    expect(emf()).toEqual([]);
    expect(linesOf(stdout)).toEqual([]);
    expect(errors()).toEqual([]);
  });

  it('logs the unhandled error with its name, message and stack and the request ids', async () => {
    ddbMock
      .on(GetCommand)
      .rejects(Object.assign(new Error('DynamoDB is down'), { name: 'SerializationException' }));
    await handler(supplier, { ...lambdaContext(), awsRequestId: 'lambda-req-7' });
    const [entry] = errors();
    expect(entry).toMatchObject({
      level: 'ERROR',
      message: 'unhandled error',
      service: 'referenceApi',
      function_request_id: 'lambda-req-7',
      correlation_id: 'req-1',
      routeKey: 'GET /reference/suppliers/{supplierId}',
      error: { name: 'SerializationException', message: 'DynamoDB is down' },
    });
    expect((entry?.error as { stack?: string } | undefined)?.stack).toContain(
      'SerializationException: DynamoDB is down',
    );
  });

  it('answers a transient AWS failure 503 with Retry-After, counts it, and logs it with the error', async () => {
    ddbMock
      .on(GetCommand)
      .rejects(Object.assign(new Error('DynamoDB is down'), { name: 'ServiceUnavailable' }));
    const res = await handler(supplier, { ...lambdaContext(), awsRequestId: 'lambda-req-8' });
    expect(res.statusCode).toBe(503);
    expect(res.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
    expect(JSON.parse(res.body as string)).toMatchObject({ status: 503, title: 'Temporarily unavailable' });
    expect(emf()[0]).toMatchObject({ service: 'referenceApi', HttpServerErrors: 1 });
    expect(errors()[0]).toMatchObject({
      level: 'ERROR',
      message: 'dependency unavailable',
      function_request_id: 'lambda-req-8',
      routeKey: 'GET /reference/suppliers/{supplierId}',
      error: { name: 'ServiceUnavailable', message: 'DynamoDB is down' },
    });
  });
});

describe('correlation ids', () => {
  it('are found in workflow tasks, timers, HTTP requests and EventBridge events', () => {
    const executionArn = 'arn:aws:states:eu-north-1:000000000000:execution:tender-lifecycle:tnd_1';
    expect(correlationIds({ task: 'loadTender', tenderId: 'tnd_1', executionArn })).toEqual({
      tenderId: 'tnd_1',
      executionArn,
    });
    expect(correlationIds({ type: 'reminder.due', agreementId: 'agr_1', key: 'k' })).toEqual({
      agreementId: 'agr_1',
    });
    expect(
      correlationIds(
        apiEvent('GET /tenders/{tenderId}', { who: officerOf(), pathParameters: { tenderId: 'tnd_2' } }),
      ),
    ).toEqual({ correlation_id: 'req-1', tenderId: 'tnd_2' });
    expect(
      correlationIds({ id: 'evt-1', 'detail-type': 'Agreement.Expired', detail: { agreementId: 'agr_2' } }),
    ).toEqual({ correlation_id: 'evt-1', agreementId: 'agr_2' });
    expect(correlationIds(undefined)).toEqual({});
  });

  it('are on every entry of their invocation, and of that invocation only', async () => {
    const task = withObservability(async (event: { tenderId?: string }) => {
      log.error('task failed', { step: 'open' });
      return event.tenderId ?? null;
    });
    await task({ tenderId: 'tnd_1', executionArn: 'arn:exec' } as never, lambdaContext());
    await task({} as never, { ...lambdaContext(), awsRequestId: 'req-2' });
    const [first, second] = errors();
    expect(first).toMatchObject({
      tenderId: 'tnd_1',
      executionArn: 'arn:exec',
      function_request_id: 'req-1',
    });
    expect(second).toMatchObject({ function_request_id: 'req-2', step: 'open' });
    expect(second).not.toHaveProperty('tenderId');
    expect(second).not.toHaveProperty('executionArn');
  });
});

describe('log levels and tracing outside Lambda', () => {
  it('LOG_LEVEL=silent (the tests) keeps errors and silences the rest', () => {
    expect(levelOf('silent')).toBe('ERROR');
    expect(levelOf('debug')).toBe('DEBUG');
    expect(levelOf(undefined)).toBe('INFO');
    log.info('not shown');
    log.warn('not shown');
    log.error('shown', { error: new TypeError('bad') });
    expect(linesOf(stdout)).toEqual([]);
    expect(errors()).toMatchObject([{ message: 'shown', error: { name: 'TypeError', message: 'bad' } }]);
  });

  it('loads no Tracer and leaves the AWS SDK clients as they are', () => {
    expect(tracer).toBeUndefined();
    expect(ddb().middlewareStack.identify().join()).not.toContain('XRaySDKInstrumentation');
  });
});
