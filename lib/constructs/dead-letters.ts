/**
 * The dead-letter queues of the asynchronous paths (event deliveries, asynchronous invocations,
 * schedules), each with an alarm on its first message.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { named } from '../naming.ts';
import { type Alarming, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface DeadLettersProps {
  alarms: Alarming;
}

export class DeadLetters extends Part {
  /** Event deliveries from the domain bus and the daily jobs' rules. */
  readonly eventDelivery: sqs.Queue;
  /** Asynchronous Lambda invocations (the bus, the scheduler). */
  readonly asyncInvoke: sqs.Queue;
  /** Schedules: deadlines and reminders. */
  readonly schedules: sqs.Queue;
  /** Table stream batches the outbox relay could not send after its retries (their positions, not the records). */
  readonly streamBatches: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLettersProps) {
    super(scope, id);
    const deadLetterQueue = (queueId: string, what: string) => {
      const queue = new sqs.Queue(this, queueId, {
        queueName: named(this, queueId.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()),
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue for ${what}; it alarms on its first message.`,
      });
      props.alarms.alarm(
        this,
        `${queueId}NotEmpty`,
        `Messages in ${queue.node.id}: ${what} failed after all retries. Inspect, fix, redrive (docs/operations.md).`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD }),
      );
      return queue;
    };
    this.eventDelivery = deadLetterQueue('EventDeliveryDlq', 'event deliveries from the domain bus');
    this.asyncInvoke = deadLetterQueue('AsyncInvokeDlq', 'asynchronous Lambda invocations');
    this.schedules = deadLetterQueue('ScheduleDlq', 'schedules (deadlines and reminders)');
    this.streamBatches = deadLetterQueue(
      'StreamDlq',
      'outbox batches from the table stream (the daily sweep sends their events again)',
    );
  }

  get all(): sqs.Queue[] {
    return [this.eventDelivery, this.asyncInvoke, this.schedules, this.streamBatches];
  }
}
