/**
 * The notification topic (to people) and the alarm topic (to operators), encrypted with one key;
 * and `alarm()`, the one way the product raises an alarm: a count that reaches its threshold, sent to
 * the alarm topic.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { named } from '../naming.ts';
import { Part } from './part.ts';

/** Metrics (AWS/DynamoDB, AWS/Scheduler, the product's own) are counted over five minutes. */
export const PERIOD = Duration.minutes(5);

export interface AlarmOptions {
  threshold?: number;
  evaluationPeriods?: number;
}

/** Raises the product's alarms. */
export interface Alarming {
  /** An alarm on the metric (a count over five minutes that reaches one, unless told), sent to the alarm topic. */
  alarm(
    scope: Construct,
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    options?: AlarmOptions,
  ): cloudwatch.Alarm;
}

export interface MessagingProps {
  /** Email address that receives operational alarms (optional). */
  alarmEmail?: string | undefined;
}

export class Messaging extends Part implements Alarming {
  readonly key: kms.Key;
  readonly notifications: sns.Topic;
  readonly alarms: sns.Topic;
  private readonly alarmAction: cwActions.SnsAction;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);
    // The key encrypts only messages in flight on the two topics, which go with the stack: nothing
    // outlives the stack encrypted under it, so it goes too (after KMS's 30-day waiting period).
    this.key = new kms.Key(this, 'MessagingKey', {
      description: 'Encrypts the notification and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.notifications = new sns.Topic(this, 'Notifications', {
      topicName: named(this, 'notifications'),
      displayName: 'Helsekjøp notifications',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.alarms = new sns.Topic(this, 'Alarms', {
      topicName: named(this, 'alarms'),
      displayName: 'Helsekjøp operational alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      new sns.Subscription(this, 'AlarmEmail', {
        topic: this.alarms,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
    }
    // CloudWatch publishes alarm notifications as the service, for this account's alarms only.
    this.alarms.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarms.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    this.alarmAction = new cwActions.SnsAction(this.alarms);
  }

  alarm(
    scope: Construct,
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    options: AlarmOptions = {},
  ): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(this.alarmAction);
    return a;
  }
}
