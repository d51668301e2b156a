/**
 * The table stream's consumers (functions/manifest.ts `streamConsumers`): an event source mapping
 * each, with the manifest's filter, batch size and retry budget, the batch's failure reported from
 * its first failed record on, batches that fail every retry to a dead-letter queue, and an alarm
 * when the consumer falls behind. Locally, local/stream-poller.ts reads the same description.
 */
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { streamConsumers } from '../../functions/manifest.ts';
import type { Functions } from './functions.ts';
import { type Alarming, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface StreamsProps {
  table: dynamodb.ITableV2;
  functions: Functions;
  deadLetters: sqs.IQueue;
  alarms: Alarming;
}

/** A consumer this far behind the newest record raises an alarm. */
const ITERATOR_AGE_ALARM = Duration.minutes(5);

export class Streams extends Part {
  constructor(scope: Construct, id: string, props: StreamsProps) {
    super(scope, id);
    for (const consumer of streamConsumers) {
      const { fn } = props.functions.of(consumer.target);
      fn.addEventSource(
        new DynamoEventSource(props.table, {
          // Records kept before the mapping existed are sent too: none is skipped.
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(0),
          retryAttempts: consumer.retryAttempts,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          // The stream keeps records for 24 hours; the daily sweep sends what is left after that.
          maxRecordAge: Duration.hours(24),
          onFailure: new SqsDlq(props.deadLetters),
          filters: [lambda.FilterCriteria.filter(consumer.filter)],
        }),
      );
      props.alarms.alarm(
        this,
        `${consumer.target}IteratorAge`,
        `${fn.functionName} is more than ${ITERATOR_AGE_ALARM.toMinutes()} minutes behind the table stream: domain events (notifications) are late. First check its log group for failed batches.`,
        fn.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD }),
        { threshold: ITERATOR_AGE_ALARM.toMilliseconds() },
      );
    }
  }
}
