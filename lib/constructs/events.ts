/**
 * The domain event bus with its archive, the rules that deliver its events (manifest subscriptions),
 * the daily jobs, and EventBridge Scheduler's group and role (deadlines and reminders call the timer).
 * Built in two steps: the bus, group and role first (the functions' environment names them), then
 * `deliverTo(functions)` once the functions exist.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  DELIVERY_RETRY,
  dailyJobs,
  hourlyJobs,
  subscriptions,
  timerFunction,
} from '../../functions/manifest.ts';
import { named } from '../naming.ts';
import type { Functions } from './functions.ts';
import { Part } from './part.ts';

export interface EventsProps {
  /** Where event deliveries of the rules go when they fail after their retries. */
  deliveryDeadLetters: sqs.IQueue;
  /** Where the scheduler puts the invocations it could not deliver. */
  scheduleDeadLetters: sqs.IQueue;
}

export class Events extends Part {
  readonly bus: events.EventBus;
  readonly scheduleGroupName: string;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  private readonly deliveryDeadLetters: sqs.IQueue;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.deliveryDeadLetters = props.deliveryDeadLetters;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: named(this, 'events') });
    this.bus.archive('Archive', {
      description: 'Every domain event, for replay after an incident',
      eventPattern: { account: [account] },
      retention: Duration.days(365),
    });
    this.scheduleGroupName = named(this, 'schedules');
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: this.scheduleGroupName,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'EventBridge Scheduler: invokes the timer function, dead-letters what it cannot deliver',
    });
    props.scheduleDeadLetters.grantSendMessages(this.schedulerRole);
  }

  /** The scheduler invokes the timer; the daily jobs and the subscriptions invoke their functions. */
  deliverTo(functions: Functions): void {
    // The unqualified ARN only: schedules target it, no version or alias.
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [functions.of(timerFunction).fn.functionArn],
      }),
    );
    for (const job of dailyJobs) {
      new events.Rule(this, `Daily-${job.name}`, {
        description: job.description,
        schedule: events.Schedule.cron({ minute: '0', hour: String(job.hourUtc) }),
        targets: [
          new eventTargets.LambdaFunction(functions.of(job.target).fn, {
            event: events.RuleTargetInput.fromObject(job.input),
            deadLetterQueue: this.deliveryDeadLetters,
            retryAttempts: 8,
            maxEventAge: Duration.hours(12),
          }),
        ],
      });
    }
    for (const job of hourlyJobs) {
      new events.Rule(this, `Hourly-${job.name}`, {
        description: job.description,
        schedule: events.Schedule.rate(Duration.hours(1)),
        targets: [
          new eventTargets.LambdaFunction(functions.of(job.target).fn, {
            event: events.RuleTargetInput.fromObject(job.input),
            deadLetterQueue: this.deliveryDeadLetters,
            retryAttempts: 8,
            maxEventAge: Duration.hours(1),
          }),
        ],
      });
    }
    for (const s of subscriptions) {
      const {
        'detail-type': detailType,
        source,
        ...rest
      } = s.pattern as {
        'detail-type'?: unknown[];
        source?: string[];
      };
      new events.Rule(this, `Rule-${s.name}`, {
        eventBus: this.bus,
        description: s.description,
        eventPattern: {
          ...(source ? { source } : {}),
          ...(detailType ? { detailType: detailType as string[] } : {}),
          ...(rest as events.EventPattern),
        },
        targets: [
          new eventTargets.LambdaFunction(functions.of(s.target).fn, {
            deadLetterQueue: this.deliveryDeadLetters,
            retryAttempts: DELIVERY_RETRY.attempts,
            maxEventAge: Duration.hours(DELIVERY_RETRY.maxEventAgeHours),
          }),
        ],
      });
    }
  }
}
