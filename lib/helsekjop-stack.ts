/**
 * The product on AWS, built from the manifest (functions/manifest.ts) that the local runtime reads
 * too: its functions and what each may touch, its routes, workflows, event subscriptions, the
 * timer and the seed. Nothing here names a route or a task by hand.
 *
 * The stack wires its parts (lib/constructs/, one file each) and declares the outputs. A part is no
 * level of the logical IDs (lib/constructs/part.ts): each resource has the ID it had when this file
 * declared it directly, so a deployed stack is updated, not replaced.
 */
import { type CfnElement, CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Resources } from '../functions/access.ts';
import { tableShape } from '../functions/contracts/table.ts';
import { timerFunction } from '../functions/manifest.ts';
import { OperationalAlarms } from './constructs/alarms.ts';
import { Api } from './constructs/api.ts';
import { AuditArchive } from './constructs/audit-archive.ts';
import { DeadLetters } from './constructs/dead-letters.ts';
import { Events } from './constructs/events.ts';
import { Functions } from './constructs/functions.ts';
import { Messaging } from './constructs/messaging.ts';
import { Operations } from './constructs/operations.ts';
import { logicalIdOf } from './constructs/part.ts';
import { Seed } from './constructs/seed.ts';
import { State } from './constructs/state.ts';
import { Streams } from './constructs/streams.ts';
import { Workflows } from './constructs/workflows.ts';
import { named, workflowArn } from './naming.ts';

/** The roles (one Cognito group each) are the domain's: functions/domain/actors.ts. */
export { roles as ROLES } from '../functions/domain/actors.ts';

export interface HelsekjopStackProps extends StackProps {
  /** Project root (where package.json, functions/ and workflows/ are). */
  projectRoot: string;
  /** Email address that receives operational alarms (optional). */
  alarmEmail?: string;
  /**
   * Use this existing table instead of creating one: the table a deleted stack retained
   * (`-c existingTableName=...`, docs/operations.md). The stack then neither creates nor deletes it.
   */
  existingTableName?: string;
  /** The stream of that table (`-c existingTableStreamArn=...`): the outbox relay reads it. */
  existingTableStreamArn?: string;
  /**
   * Use this existing user pool (with its users and groups) instead of creating one: the pool a
   * deleted stack retained (`-c existingUserPoolId=...`). A new app client is created in it.
   */
  existingUserPoolId?: string;
  /** Years each signed audit digest is kept under compliance-mode Object Lock (default 10). */
  auditRetentionYears?: number;
}

export class HelsekjopStack extends Stack {
  constructor(scope: Construct, id: string, props: HelsekjopStackProps) {
    super(scope, id, props);
    const { projectRoot } = props;
    const logRetention = logs.RetentionDays.THREE_MONTHS;

    const { table } = new State(this, 'State', {
      existingTableName: props.existingTableName,
      existingTableStreamArn: props.existingTableStreamArn,
    });
    const messaging = new Messaging(this, 'Messaging', { alarmEmail: props.alarmEmail });
    const alarms = messaging; // every alarm notifies its alarm topic
    const deadLetters = new DeadLetters(this, 'DeadLetters', { alarms });
    const events = new Events(this, 'Events', {
      deliveryDeadLetters: deadLetters.eventDelivery,
      scheduleDeadLetters: deadLetters.schedules,
    });

    const archive = new AuditArchive(this, 'AuditArchive', {
      retentionYears: props.auditRetentionYears ?? 10,
      alarms,
    });

    // The Doffin Notices API's base URL and subscription key (JSON: {"baseUrl", "subscriptionKey"}),
    // which DFØ issues to a registered service provider: operators put them in after the first
    // deploy (docs/operations.md). Until then the notices API answers 502 on a submission.
    const doffinSecret = new secretsmanager.Secret(this, 'DoffinSecret', {
      description: 'Doffin Notices API: {"baseUrl": "https://…", "subscriptionKey": "…"} (issued by DFØ)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(doffinSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The subscription key is issued by DFØ through Doffin's API portal and cannot be rotated by a Lambda; operators replace it when DFØ does (docs/operations.md).",
    });

    // What the functions' statements and environment name (functions/access.ts); the local runtime
    // fills the same description with its own names.
    const resources: Resources = {
      tableName: table.tableName,
      tableArn: table.tableArn,
      indexNames: tableShape.globalIndexes.map((index) => index.name),
      eventBusName: events.bus.eventBusName,
      eventBusArn: events.bus.eventBusArn,
      notificationTopicArn: messaging.notifications.topicArn,
      messagingKeyArn: messaging.key.keyArn,
      workflowArn: (key) => workflowArn(this, key),
      scheduleGroup: events.scheduleGroupName,
      schedulerRoleArn: events.schedulerRole.roleArn,
      scheduleDeadLetterArn: deadLetters.schedules.queueArn,
      timerFunctionArn: `arn:${this.partition}:lambda:${this.region}:${this.account}:function:${named(this, timerFunction)}`,
      digestBucketName: archive.bucket.bucketName,
      digestBucketArn: archive.bucket.bucketArn,
      signingKeyArn: archive.signingKey.keyArn,
      doffinSecretArn: doffinSecret.secretArn,
      partition: this.partition,
      region: this.region,
      account: this.account,
      logLevel: 'info',
    };
    // The one part with id 'Default', which CDK leaves out of every name it derives from a path: the
    // event rules' invoke permissions are named after their function's path, and keep their IDs.
    const functions = new Functions(this, 'Default', {
      projectRoot,
      resources,
      logRetention,
      asyncDeadLetters: deadLetters.asyncInvoke,
      alarms,
    });
    const { stateMachines } = new Workflows(this, 'Workflows', { projectRoot, functions, alarms });
    events.deliverTo(functions);
    new Streams(this, 'Streams', { table, functions, deadLetters: deadLetters.streamBatches, alarms });
    const api = new Api(this, 'Api', { existingUserPoolId: props.existingUserPoolId, functions });
    new OperationalAlarms(this, 'OperationalAlarms', {
      alarms,
      api,
      table,
      scheduleGroup: events.scheduleGroup,
    });
    new Seed(this, 'Seed', { functions, events, logRetention });
    const operations = new Operations(this, 'Operations', { resources, deadLetters: deadLetters.all });

    const apiUrl = api.httpApi.apiEndpoint;
    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'HTTP API base URL' });
    new CfnOutput(this, 'DocsUrl', { value: `${apiUrl}/docs`, description: 'Interactive API docs' });
    new CfnOutput(this, 'UserPoolId', { value: api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: api.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'AuditDigestBucket', {
      value: archive.bucket.bucketName,
      description: 'Signed audit digests (Object Lock, compliance mode): what auditors verify against',
    });
    new CfnOutput(this, 'AuditSigningKeyArn', {
      value: archive.signingKey.keyArn,
      description:
        'The digests are signed with this key: aws kms get-public-key gives auditors its public half',
    });
    new CfnOutput(this, 'DoffinSecretArn', {
      value: doffinSecret.secretArn,
      description:
        'Put the Doffin Notices API base URL and subscription key here (docs/operations.md): {"baseUrl","subscriptionKey"}',
    });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
    new CfnOutput(this, 'NotificationTopicArn', { value: messaging.notifications.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: messaging.alarms.topicArn });
    new CfnOutput(this, 'OperationsPolicyArn', {
      value: operations.policy.managedPolicyArn,
      description: 'Attach to the operations team’s role or group (docs/operations.md)',
    });
    for (const [key, sm] of Object.entries(stateMachines))
      new CfnOutput(this, `${key}StateMachineArn`, { value: sm.stateMachineArn });
  }

  /** Logical IDs as if the parts were not there (lib/constructs/part.ts). */
  protected override allocateLogicalId(element: CfnElement): string {
    return logicalIdOf(element);
  }
}
