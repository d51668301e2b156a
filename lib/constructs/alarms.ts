/**
 * The operational alarms on the managed services: the HTTP API (5xx, throttled requests, a flood of
 * 4xx), the table (throttling, system errors) and EventBridge Scheduler (target errors, dropped
 * invocations, failed dead-lettering). Functions, workflows and dead-letter queues alarm where they
 * are built.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/contracts/environment.ts';
import { tableShape } from '../../functions/contracts/table.ts';
import type { Api } from './api.ts';
import { type Alarming, type AlarmOptions, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface OperationalAlarmsProps {
  alarms: Alarming;
  api: Api;
  table: dynamodb.ITableV2;
  scheduleGroup: scheduler.IScheduleGroup;
}

export class OperationalAlarms extends Part {
  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, options?: AlarmOptions) =>
      props.alarms.alarm(this, id, description, metric, options);
    const { httpApi: api, accessLogs } = props.api;

    alarm(
      'ApiServerErrors',
      'The HTTP API answered with 5xx (function errors, integration timeouts, or 5xx problems). First check the access log (integrationError) and the HttpServerErrors and Errors alarms of the functions.',
      api.metricServerError({ period: PERIOD }),
    );
    // HTTP APIs publish no 429 metric of their own (429s are counted in 4xx with every other client
    // error): the access log says which requests the stage's throttle refused.
    const throttledRequests = new logs.MetricFilter(this, 'ApiThrottledRequests', {
      logGroup: accessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'HttpThrottled',
      metricValue: '1',
    });
    alarm(
      'ApiThrottled',
      'The HTTP API refused requests with 429: the stage throttle (100 requests/s, burst 200) was reached. First check the access log for who sent them (ip, sub, routeKey).',
      throttledRequests.metric({ statistic: 'Sum', period: PERIOD }),
    );
    alarm(
      'ApiClientErrorRate',
      'More than half of the HTTP API requests were refused with 4xx for 15 minutes (at least 20 requests in each 5 minutes). Often a broken client or tokens for another app client; first check the access log (status, authorizerError).',
      new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * clientErrors / requests, 0)',
        usingMetrics: {
          requests: api.metricCount({ period: PERIOD, statistic: 'Sum' }),
          clientErrors: api.metricClientError({ period: PERIOD, statistic: 'Sum' }),
        },
        period: PERIOD,
        label: 'Share of requests answered with 4xx (%)',
      }),
      { threshold: 50, evaluationPeriods: 3 },
    );

    const tableMetric = (metricName: string, dimensions: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName, ...dimensions },
        statistic: 'Sum',
        period: PERIOD,
      });
    const throttleEvents = Object.fromEntries(
      [undefined, ...tableShape.globalIndexes.map((index) => index.name)].flatMap((index, i) =>
        ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) => [
          `${metricName === 'ReadThrottleEvents' ? 'read' : 'write'}${i}`,
          tableMetric(metricName, index ? { GlobalSecondaryIndexName: index } : {}),
        ]),
      ),
    );
    alarm(
      'TableThrottled',
      'DynamoDB throttled reads or writes of the table or its indexes (on-demand: a hot partition or the table’s throughput quota). First check the table’s CloudWatch contributor insights / the throttled operation in the function logs.',
      new cloudwatch.MathExpression({
        expression: Object.keys(throttleEvents).join(' + '),
        usingMetrics: throttleEvents,
        period: PERIOD,
        label: 'Throttle events of the table and its indexes',
      }),
    );
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.BATCH_GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.DELETE_ITEM,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
    ];
    const systemErrors = Object.fromEntries(
      operations.map((operation) => [
        operation.toLowerCase(),
        tableMetric('SystemErrors', { Operation: operation }),
      ]),
    );
    alarm(
      'TableSystemErrors',
      'DynamoDB answered requests on the table with 500 (an AWS-side error; the SDK retries). First check the AWS Health Dashboard for DynamoDB in the region.',
      new cloudwatch.MathExpression({
        expression: Object.keys(systemErrors).join(' + '),
        usingMetrics: systemErrors,
        period: PERIOD,
        label: 'DynamoDB system errors on the table',
      }),
    );

    const { scheduleGroup } = props;
    alarm(
      'SchedulerTargetErrors',
      'EventBridge Scheduler could not invoke the timer function (throttled, permission, or function missing); it retries, then dead-letters. First check the ScheduleDlq and the scheduler role.',
      scheduleGroup.metricTargetErrors({ period: PERIOD }),
    );
    alarm(
      'SchedulerInvocationsDropped',
      'EventBridge Scheduler dropped deadline or reminder invocations after its retries. First check the ScheduleDlq (and that the daily sweep runs).',
      scheduleGroup.metricDropped({ period: PERIOD }),
    );
    alarm(
      'SchedulerDeadLetterFailed',
      'EventBridge Scheduler could not even dead-letter a failed invocation: a deadline or reminder is lost. First check the ScheduleDlq’s policy and the scheduler role’s sqs:SendMessage.',
      scheduleGroup.metricFailedToBeSentToDLQ(undefined, { period: PERIOD }),
    );
  }
}
