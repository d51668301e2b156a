/**
 * One ServiceFunction per manifest function, each bound to its access (functions/access.ts); the
 * retries and dead letters of asynchronous invocations; an alarm per function on errors and
 * throttles, and per HTTP function on the 5xx problems it answered.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Resources } from '../../functions/access.ts';
import { METRICS_NAMESPACE, SWEEP_FAILURES } from '../../functions/contracts/environment.ts';
import {
  type FunctionKey,
  functions,
  routes,
  subscriptions,
  timerFunction,
} from '../../functions/manifest.ts';
import { ServiceFunction } from '../service-function.ts';
import { type Alarming, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface FunctionsProps {
  /** Project root (where package.json, functions/ and workflows/ are). */
  projectRoot: string;
  /** The names and ARNs the functions' statements and environment refer to. */
  resources: Resources;
  logRetention: logs.RetentionDays;
  /** Where asynchronous invocations go when they fail after their retries. */
  asyncDeadLetters: sqs.IQueue;
  alarms: Alarming;
}

export class Functions extends Part {
  private readonly byKey = new Map<FunctionKey, ServiceFunction>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    for (const [key, spec] of Object.entries(functions) as [FunctionKey, (typeof functions)[FunctionKey]][]) {
      const f = new ServiceFunction(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        name: key,
        spec,
        projectRoot: props.projectRoot,
        logRetention: props.logRetention,
        ...(key === 'docsApi'
          ? {
              copyFiles: ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'].map(
                (file) => `node_modules/swagger-ui-dist/${file}`,
              ),
            }
          : {}),
      });
      f.bindAccess(props.resources);
      this.byKey.set(key, f);
    }

    // Asynchronous invocations (the bus, the scheduler) retry, then dead-letter.
    for (const key of [timerFunction, ...new Set(subscriptions.map((s) => s.target))]) {
      this.of(key).fn.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(props.asyncDeadLetters),
      });
    }

    const httpFunctions = new Set(routes.map((r) => r.function));
    for (const [key, f] of this.byKey) {
      props.alarms.alarm(
        this,
        `${f.node.id}Errors`,
        `${f.fn.functionName} failed invocations (uncaught error, timeout, out of memory). First check its log group for the invocation's error.`,
        f.fn.metricErrors({ period: PERIOD }),
      );
      props.alarms.alarm(
        this,
        `${f.node.id}Throttles`,
        `${f.fn.functionName} was throttled: Lambda refused invocations for lack of concurrency. First check the account's ConcurrentExecutions against its quota.`,
        f.fn.metricThrottles({ period: PERIOD }),
      );
      if (httpFunctions.has(key)) {
        // Counted by the handler for every request answered with a 5xx problem (Powertools Metrics,
        // EMF): the errors the handler caught, which Lambda's Errors metric never sees.
        props.alarms.alarm(
          this,
          `${f.node.id}HttpServerErrors`,
          `${f.fn.functionName} answered requests with a 5xx problem. First check its log group for the request's error (correlation_id).`,
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: 'HttpServerErrors',
            dimensionsMap: { service: key },
            statistic: 'Sum',
            period: PERIOD,
          }),
        );
      }
    }
    // Counted by the daily sweep for each due item it could not handle; the sweep itself succeeds
    // (the other items were handled), so Lambda's Errors metric never sees it.
    props.alarms.alarm(
      this,
      'TimerSweepFailures',
      `The daily sweep of ${this.of(timerFunction).fn.functionName} could not handle a due reminder, timed tender step or agreement end; the others were handled, and it tries again the next day. First check its log group for "the daily sweep could not" and the item named there.`,
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: SWEEP_FAILURES,
        dimensionsMap: { service: timerFunction },
        statistic: 'Sum',
        period: PERIOD,
      }),
    );
  }

  /** The function of a manifest key. */
  of(key: FunctionKey): ServiceFunction {
    const f = this.byKey.get(key);
    if (!f) throw new Error(`No function ${key} in the manifest`);
    return f;
  }

  /** Every function, in manifest order. */
  get all(): ServiceFunction[] {
    return [...this.byKey.values()];
  }
}
