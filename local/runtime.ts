/**
 * The whole product on one machine: DynamoDB Local, the AWS stand-ins (Step Functions, EventBridge
 * bus, Scheduler with its advanceable clock, SNS) behind one loopback endpoint, and the HTTP API.
 * Handlers run in this process, reaching the stand-ins through the AWS SDK.
 */

import { resolve } from 'node:path';
import { resetClients } from '../functions/commons/clients.ts';
import { resetEnvCache, workflowArnVariable } from '../functions/commons/env.ts';
import { log } from '../functions/commons/log.ts';
import { dailyJobs, seedFunction, timerFunction, workflows } from '../functions/manifest.ts';
import { AwsEndpoint } from './aws-endpoint.ts';
import { LocalClock } from './clock.ts';
import { DevIssuer } from './dev-issuer.ts';
import { startDynamo, TABLE_NAME } from './dynamodb.ts';
import { LocalEventBus } from './event-bus.ts';
import { invokeFunction, localFunctionArn, projectRoot } from './functions.ts';
import { LocalHttpApi } from './http-server.ts';
import { JsonFile } from './persist.ts';
import { LocalScheduler, type SchedulerState } from './scheduler.ts';
import { LocalStepFunctions, type SfnState, stateMachineArnOf } from './stepfunctions.ts';

export interface RuntimeOptions {
  /** Where data is kept (default `.local` in the project). Ignored when `inMemory`. */
  dataDir?: string;
  inMemory?: boolean;
  apiPort?: number;
  quiet?: boolean;
}

export interface LocalRuntime {
  apiUrl: string;
  docsUrl: string;
  awsEndpoint: string;
  clock: LocalClock;
  stepFunctions: LocalStepFunctions;
  scheduler: LocalScheduler;
  bus: LocalEventBus;
  endpoint: AwsEndpoint;
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
    const clockFile = new JsonFile(file('clock.json'), () => ({ offsetMs: 0 }));
    const clock = new LocalClock(clockFile.read().offsetMs, (offsetMs) => clockFile.write({ offsetMs }));
    const stepFunctions = new LocalStepFunctions(
      clock,
      new JsonFile<SfnState>(file('stepfunctions.json'), () => ({ executions: [] })),
    );
    const scheduler = new LocalScheduler(
      clock,
      new JsonFile<SchedulerState>(file('scheduler.json'), () => ({ schedules: [], deadLetters: [] })),
    );
    const bus = new LocalEventBus();
    const endpoint = new AwsEndpoint(stepFunctions, bus, scheduler, () => clock.now());
    const awsEndpoint = await endpoint.start(0);
    stops.push(() => endpoint.stop());

    const dynamo = await startDynamo({ ...(dataDir ? { dataDir } : {}) });
    stops.push(() => dynamo.stop());

    Object.assign(process.env, {
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: awsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsEndpoint,
      AWS_ENDPOINT_URL_SCHEDULER: awsEndpoint,
      AWS_ENDPOINT_URL_SNS: awsEndpoint,
      TABLE_NAME,
      EVENT_BUS_NAME: 'helsekjop',
      SCHEDULE_GROUP: 'helsekjop',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/helsekjop-scheduler',
      SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-north-1:000000000000:helsekjop-schedule-dlq',
      TIMER_FUNCTION_ARN: localFunctionArn(timerFunction),
      NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:helsekjop-notifications',
      ...Object.fromEntries(
        Object.keys(workflows).map((k) => [workflowArnVariable(k), stateMachineArnOf(k)]),
      ),
    });
    process.env.LOG_LEVEL ??= options.quiet ? 'silent' : 'info';
    resetEnvCache();
    resetClients();

    await invokeFunction(seedFunction, { RequestType: 'Create', ResourceProperties: {} });
    scheduler.resume();
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
          await bus.idle();
        },
        events: () => ({ published: bus.published, delivered: bus.delivered }),
        notifications: () => ({ items: endpoint.sns }),
      },
      options.quiet,
    );
    const apiUrl = await api.start(options.apiPort ?? 3000);
    stops.push(() => api.stop());
    return {
      apiUrl,
      docsUrl: `${apiUrl}/docs`,
      awsEndpoint,
      clock,
      stepFunctions,
      scheduler,
      bus,
      endpoint,
      issuer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
