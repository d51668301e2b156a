/**
 * The whole product on one machine: DynamoDB Local, the AWS stand-ins (Step Functions, EventBridge
 * bus, Scheduler with its advanceable clock, SNS) behind one loopback endpoint, and the HTTP API.
 * Handlers run in this process, reaching the stand-ins through the AWS SDK.
 *
 * The runtime starts DynamoDB Local of its own, or keeps its table in one that runs already
 * (`dynamodbEndpoint`: the tests share one per run, each runtime with a table of its own).
 */

import { resolve } from 'node:path';
import { environmentOf, type Resources } from '../functions/access.ts';
import { resetClients } from '../functions/adapters/clients.ts';
import { resetEnvCache } from '../functions/adapters/env.ts';
import { tableShape } from '../functions/contracts/table.ts';
import {
  dailyJobs,
  type FunctionAccess,
  type FunctionKey,
  type FunctionSpec,
  functions,
  hourlyJobs,
  seedFunction,
  streamConsumers,
  timerFunction,
} from '../functions/manifest.ts';
import { log } from '../functions/shared/log.ts';
import { LocalAccessControl, OPERATOR_ACCESS_KEY } from './access-control.ts';
import { AwsEndpoint } from './aws-endpoint.ts';
import { LocalClock, untilIdle } from './clock.ts';
import { DevIssuer } from './dev-issuer.ts';
import { LOCAL_DOFFIN_SECRET_ARN, LOCAL_DOFFIN_SUBSCRIPTION_KEY, LocalDoffin } from './doffin.ts';
import { createTable, deleteTable, startDynamo, streamArnOf, TABLE_NAME } from './dynamodb.ts';
import { DynamoGate } from './dynamodb-gate.ts';
import { LocalEventBus } from './event-bus.ts';
import { FaultInjector, type FaultOptions, faultOptionsFrom } from './faults.ts';
import {
  ACCOUNT,
  accessKeyOf,
  FUNCTION_PREFIX,
  LocalFunctions,
  localFunctionArn,
  projectRoot,
  REGION,
} from './functions.ts';
import { LocalHttpApi } from './http-server.ts';
import { JsonFile } from './persist.ts';
import { LocalScheduler, type SchedulerState } from './scheduler.ts';
import { LocalStepFunctions, type SfnState, stateMachineArnOf } from './stepfunctions.ts';
import { LocalStreamPoller, type StreamPositions } from './stream-poller.ts';

export interface RuntimeOptions {
  /** Where data is kept (default `.local` in the project). Ignored when `inMemory`. */
  dataDir?: string;
  inMemory?: boolean;
  apiPort?: number;
  quiet?: boolean;
  /**
   * Changes to the manifest's access for this run (tests): both the function's environment and its
   * grants follow, as they would in a stack synthesized from the changed manifest.
   */
  accessOverrides?: AccessOverrides;
  /** Changes to the grants only, the environment kept (tests: a policy that lost a statement). */
  grantOverrides?: AccessOverrides;
  /**
   * A DynamoDB (Local) that runs already, to keep the table in instead of starting one. The runtime
   * creates its table there if it is missing; when the runtime stops, the database keeps running and
   * the table is deleted if `inMemory`, else kept for the next start with the same `tableName`.
   */
  dynamodbEndpoint?: string;
  /** The table's name (default `helsekjop`): one per runtime when several share a DynamoDB. */
  tableName?: string;
  /** The fault switch (local/faults.ts): a share of the functions' AWS calls fails, reproducibly by seed. */
  faults?: FaultOptions;
  /**
   * The local clock's time at start when it has none yet (in memory, or a new data dir): tests and
   * demos pinned to a date, so that fixed calendar dates (an agreement ending 31.12.2026) stay in
   * the future whatever day the machine's clock says. A data dir that has a clock keeps its own.
   */
  startAt?: Date;
  /** The digest bucket's default Object Lock retention (compliance mode), in years: 10 unless given. */
  auditRetentionYears?: number;
}

export type AccessOverrides = Partial<Record<FunctionKey, Partial<FunctionAccess>>>;

/** The local names of the product's resources, in the shape the stack fills with its own. */
export const localResources = (logLevel: string, tableName = TABLE_NAME): Resources => ({
  tableName,
  tableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${tableName}`,
  indexNames: tableShape.globalIndexes.map((index) => index.name),
  eventBusName: 'helsekjop',
  eventBusArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/helsekjop`,
  notificationTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:helsekjop-notifications`,
  messagingKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/helsekjop-messaging`,
  workflowArn: stateMachineArnOf,
  scheduleGroup: 'helsekjop',
  schedulerRoleArn: `arn:aws:iam::${ACCOUNT}:role/helsekjop-scheduler`,
  scheduleDeadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:helsekjop-schedule-dlq`,
  timerFunctionArn: localFunctionArn(timerFunction),
  digestBucketName: 'helsekjop-audit-digests',
  digestBucketArn: 'arn:aws:s3:::helsekjop-audit-digests',
  signingKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/helsekjop-audit-signing`,
  doffinSecretArn: LOCAL_DOFFIN_SECRET_ARN,
  partition: 'aws',
  region: REGION,
  account: ACCOUNT,
  logLevel,
});

export interface LocalRuntime {
  apiUrl: string;
  /** The product's table (in DynamoDB Local at `AWS_ENDPOINT_URL_DYNAMODB` of this process). */
  tableName: string;
  docsUrl: string;
  awsEndpoint: string;
  clock: LocalClock;
  stepFunctions: LocalStepFunctions;
  scheduler: LocalScheduler;
  bus: LocalEventBus;
  endpoint: AwsEndpoint;
  /** The Doffin Notices API stand-in (local/doffin.ts): what was submitted, at `doffinUrl`. */
  doffin: LocalDoffin;
  doffinUrl: string;
  /** Invokes a function as Lambda would (tests: a schedule or the sweep firing by hand). */
  invoke: (key: FunctionKey, event: unknown) => Promise<unknown>;
  /** Local IAM: what each function used, and what was refused. */
  access: LocalAccessControl;
  /** The functions' way to DynamoDB: access checks and transaction conflicts as on AWS. */
  dynamoGate: DynamoGate;
  /** The fault switch, when on: what it injected. */
  faults: FaultInjector | undefined;
  /** The event source mappings on the table's stream (the outbox relay). */
  streams: LocalStreamPoller[];
  /**
   * Resolves once every domain event written so far has been relayed from the outbox and delivered
   * by the bus (tests, the demo): what `bus.idle()` was before events went through the outbox.
   */
  eventsIdle(): Promise<void>;
  issuer: DevIssuer;
  stop(): Promise<void>;
}

export const defaultDataDir = resolve(projectRoot, '.local');

export const startLocalRuntime = async (options: RuntimeOptions = {}): Promise<LocalRuntime> => {
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? defaultDataDir);
  const file = (name: string) => (dataDir ? resolve(dataDir, name) : undefined);
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const clockFile = new JsonFile<{ offsetMs?: number }>(file('clock.json'), () => ({}));
    const kept = clockFile.read().offsetMs;
    const offsetMs = kept ?? (options.startAt ? options.startAt.getTime() - Date.now() : 0);
    const clock = new LocalClock(offsetMs, (offsetMs) => clockFile.write({ offsetMs }));
    if (kept === undefined && options.startAt) clockFile.write({ offsetMs });
    // Each function's environment is known once the endpoints are up (below); workers start later.
    let functionEnvironment: ((key: FunctionKey) => Record<string, string>) | undefined;
    const functionsHost = new LocalFunctions((key) => {
      if (!functionEnvironment) throw new Error('The local runtime is still starting');
      return functionEnvironment(key);
    });
    stops.push(() => functionsHost.stop());
    const invokeFunction = functionsHost.invoke;
    const stepFunctions = new LocalStepFunctions(
      clock,
      new JsonFile<SfnState>(file('stepfunctions.json'), () => ({ executions: [] })),
      invokeFunction,
    );
    const scheduler = new LocalScheduler(
      clock,
      new JsonFile<SchedulerState>(file('scheduler.json'), () => ({ schedules: [], deadLetters: [] })),
      invokeFunction,
    );
    const bus = new LocalEventBus(invokeFunction);
    const logLevel = process.env.LOG_LEVEL ?? (options.quiet ? 'silent' : 'info');
    const tableName = options.tableName ?? TABLE_NAME;
    const resources = localResources(logLevel, tableName);
    const overridden = (key: FunctionKey, overrides: AccessOverrides = {}): FunctionAccess => ({
      ...functions[key].access,
      ...overrides[key],
    });
    const access = new LocalAccessControl(resources, (k) =>
      overridden(k, { ...options.accessOverrides, ...options.grantOverrides }),
    );
    const faultOptions = options.faults ?? faultOptionsFrom(process.env.HELSEKJOP_FAULTS);
    const faults = faultOptions ? new FaultInjector(faultOptions) : undefined;
    if (faults) log.warn('the fault switch is on', { ...faultOptions });
    // The Doffin stand-in, and the secret that points the Doffin port at it (Secrets Manager below).
    const doffin = new LocalDoffin({ file: file('doffin.json'), now: () => clock.now() });
    const doffinUrl = await doffin.start(0);
    stops.push(() => doffin.stop());
    const endpoint = new AwsEndpoint(stepFunctions, bus, scheduler, () => clock.now(), access, faults, {
      ...(dataDir ? { dataDir } : {}),
      buckets: [resources.digestBucketName],
      retentionYears: options.auditRetentionYears ?? 10,
      signingKeys: [resources.signingKeyArn],
      secrets: {
        [LOCAL_DOFFIN_SECRET_ARN]: JSON.stringify({
          baseUrl: doffinUrl,
          subscriptionKey: LOCAL_DOFFIN_SUBSCRIPTION_KEY,
        }),
      },
    });
    const awsEndpoint = await endpoint.start(0);
    stops.push(() => endpoint.stop());

    let dynamoEndpoint = options.dynamodbEndpoint;
    if (!dynamoEndpoint) {
      const dynamo = await startDynamo({ ...(dataDir ? { dataDir } : {}) });
      stops.push(() => dynamo.stop());
      dynamoEndpoint = dynamo.endpoint;
    }
    await createTable(dynamoEndpoint, tableName);
    if (options.dynamodbEndpoint && !dataDir) {
      const shared = dynamoEndpoint;
      stops.push(() =>
        deleteTable(shared, tableName).catch((error) =>
          log.warn('could not delete the table in the shared DynamoDB', { tableName, error }),
        ),
      );
    }
    const gate = new DynamoGate(dynamoEndpoint, access, faults);
    const gateEndpoint = await gate.start();
    stops.push(() => gate.stop());

    // Where the SDK finds the stand-ins: functions reach DynamoDB through the gate, the operator directly.
    const endpoints = (dynamodb: string) => ({
      AWS_REGION: REGION,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      AWS_ENDPOINT_URL_SFN: awsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsEndpoint,
      AWS_ENDPOINT_URL_SCHEDULER: awsEndpoint,
      AWS_ENDPOINT_URL_SNS: awsEndpoint,
      AWS_ENDPOINT_URL_S3: awsEndpoint,
      AWS_ENDPOINT_URL_KMS: awsEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: awsEndpoint,
    });
    // Each function: exactly the environment the stack gives it, what Lambda itself provides, its own
    // credentials, and where the local stand-ins are.
    functionEnvironment = (key) => ({
      ...(environmentOf(key, overridden(key, options.accessOverrides), resources) as Record<string, string>),
      ...endpoints(gateEndpoint),
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: accessKeyOf(key),
      AWS_LAMBDA_FUNCTION_NAME: `${FUNCTION_PREFIX}${key}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String((functions[key] as FunctionSpec).memoryMb ?? 1024),
      LOCAL_FUNCTION_ARN: localFunctionArn(key),
    });

    // The runtime itself, tests and scripts in this process act as the operator: straight to
    // DynamoDB Local and the stand-ins, unchecked.
    Object.assign(process.env, {
      ...endpoints(dynamoEndpoint),
      AWS_ACCESS_KEY_ID: OPERATOR_ACCESS_KEY,
      TABLE_NAME: tableName,
    });
    resetEnvCache();
    resetClients();

    await invokeFunction(seedFunction, { RequestType: 'Create', ResourceProperties: {} });
    scheduler.resume();
    // The table's stream to its consumers, from where they were before a stop or a crash.
    const streamArn = await streamArnOf(dynamoEndpoint, tableName);
    const positions = new JsonFile<StreamPositions>(file('streams.json'), () => ({ streams: {} }));
    // Hourly jobs (EventBridge rate(1 hour) rules on AWS) on the local clock: armed at the next full
    // hour once the consumer they wait for has delivered records, so an idle hour (which on AWS is a
    // run that finds nothing) costs nothing here, also across a clock jump of a year.
    const armHourly = (job: (typeof hourlyJobs)[number]) => {
      const id = `hourly:${job.name}`;
      if (clock.has(id)) return;
      const next = new Date(clock.now().getTime());
      next.setUTCMinutes(0, 0, 0);
      next.setUTCHours(next.getUTCHours() + 1);
      clock.set(id, next.getTime(), async () => {
        try {
          const result = await invokeFunction(job.target, job.input);
          // A job that says it left work (`more`, e.g. notices Doffin has not published yet) runs again next hour.
          if ((result as { more?: unknown } | undefined)?.more === true) armHourly(job);
        } catch (error) {
          log.error('hourly job failed', { job: job.name, error });
        }
      });
    };
    const streams = streamConsumers.map((consumer) => {
      const waiting = hourlyJobs.filter((job) => job.after === consumer.name);
      const invoke: typeof invokeFunction = async (key, event) => {
        const result = await invokeFunction(key, event);
        for (const job of waiting) armHourly(job);
        return result;
      };
      return new LocalStreamPoller(dynamoEndpoint, streamArn, consumer, invoke, positions, () => gate.writes);
    });
    // What a stop or a crash left for the next hour is done in the first one after the start.
    for (const job of hourlyJobs) armHourly(job);
    for (const poller of streams) {
      poller.start();
      stops.push(() => poller.stop());
    }
    const eventsIdle = async () => {
      do {
        for (const poller of streams) await poller.idle();
        await bus.idle();
      } while (streams.some((poller) => poller.busy) || bus.pendingDeliveries > 0);
    };
    const resumed = stepFunctions.resume();
    if (resumed)
      log.info(`resumed ${resumed} workflow execution(s) that were running when the product stopped`);
    // Daily jobs (EventBridge schedule rules on AWS) run on the local clock: each arms its next run.
    const armDaily = (job: (typeof dailyJobs)[number]) => {
      const now = clock.now().getTime();
      const next = new Date(now);
      next.setUTCHours(job.hourUtc, 0, 0, 0);
      if (next.getTime() <= now) next.setUTCDate(next.getUTCDate() + 1);
      clock.set(`daily:${job.name}`, next.getTime(), async () => {
        try {
          await invokeFunction(job.target, job.input);
        } catch (error) {
          log.error('daily job failed', { job: job.name, error });
        }
        armDaily(job);
      });
    };
    for (const job of dailyJobs) armDaily(job);
    // A clock advance fires one due time at a time and waits for what it woke: the functions it
    // invoked, the executions they set going again, the deliveries of what those published.
    clock.settleWith(() =>
      untilIdle(
        () =>
          functionsHost.inFlight > 0 ||
          stepFunctions.activeExecutions() > 0 ||
          bus.pendingDeliveries > 0 ||
          streams.some((poller) => poller.busy),
      ),
    );
    clock.start();
    stops.push(() => {
      clock.stop();
      stepFunctions.stop();
    });

    const issuer = await DevIssuer.open(dataDir ? resolve(dataDir, 'dev-issuer') : undefined);
    const api = new LocalHttpApi(
      issuer,
      {
        now: () => clock.now(),
        advanceTo: async (to) => {
          await clock.advanceTo(to);
          await eventsIdle();
        },
        events: () => ({ published: bus.published, delivered: bus.delivered }),
        notifications: () => ({ items: endpoint.sns }),
        auditPublicKey: () => endpoint.publicKeyPem(resources.signingKeyArn),
        auditDigests: () => endpoint.bucketCopy(resources.digestBucketName),
        doffinNotices: () => ({ items: doffin.submissions() }),
      },
      invokeFunction,
      options.quiet,
    );
    const apiUrl = await api.start(options.apiPort ?? 3000);
    stops.push(() => api.stop());
    return {
      apiUrl,
      tableName,
      docsUrl: `${apiUrl}/docs`,
      awsEndpoint,
      clock,
      stepFunctions,
      scheduler,
      bus,
      endpoint,
      doffin,
      doffinUrl,
      access,
      dynamoGate: gate,
      faults,
      streams,
      eventsIdle,
      invoke: invokeFunction,
      issuer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
