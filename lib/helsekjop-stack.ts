/**
 * The product on AWS, built from the manifest (functions/manifest.ts) that the local runtime reads
 * too: its functions and what each may touch, its routes, workflows, event subscriptions, the
 * timer and the seed. Nothing here names a route or a task by hand.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  ArnFormat,
  CfnOutput,
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { environmentOf, type Resources, statementsOf, workflowsOf } from '../functions/access.ts';
import { tableShape } from '../functions/commons/table.ts';
import { seedSuppliers } from '../functions/domain/reference-data.ts';
import {
  dailyJobs,
  type FunctionAccess,
  type FunctionKey,
  functions,
  routes,
  seedFunction,
  subscriptions,
  timerFunction,
  type WorkflowKey,
  workflows,
} from '../functions/manifest.ts';
import { ServiceFunction } from './service-function.ts';

export const ROLES = ['officer', 'evaluator', 'supplier', 'auditor'] as const;

export interface HelsekjopStackProps extends StackProps {
  /** Project root (where package.json, functions/ and workflows/ are). */
  projectRoot: string;
  /** Email address that receives operational alarms (optional). */
  alarmEmail?: string;
}

export class HelsekjopStack extends Stack {
  constructor(scope: Construct, id: string, props: HelsekjopStackProps) {
    super(scope, id, props);
    const root = props.projectRoot;
    const name = (suffix: string) => `${this.stackName}-${suffix}`;
    const logRetention = logs.RetentionDays.THREE_MONTHS;

    // ---------------------------------------------------------------- state
    const table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: tableShape.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableShape.sortKey, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: tableShape.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      })),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: tableShape.timeToLiveAttribute,
    });

    // ---------------------------------------------------------------- messaging
    const key = new kms.Key(this, 'MessagingKey', {
      description: 'Encrypts the notification and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const notifications = new sns.Topic(this, 'Notifications', {
      topicName: name('notifications'),
      displayName: 'Helsekjøp notifications',
      masterKey: key,
      enforceSSL: true,
    });
    const alarms = new sns.Topic(this, 'Alarms', {
      topicName: name('alarms'),
      displayName: 'Helsekjøp operational alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      new sns.Subscription(this, 'AlarmEmail', {
        topic: alarms,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
    }
    const alarmAction = new cwActions.SnsAction(alarms);
    const deadLetterQueue = (id: string, what: string) => {
      const queue = new sqs.Queue(this, id, {
        queueName: name(id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()),
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue for ${what}; it alarms on its first message.`,
      });
      new cloudwatch.Alarm(this, `${id}NotEmpty`, {
        alarmDescription: `Messages in ${queue.node.id}: ${what} failed after all retries. Inspect, fix, redrive.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
      return queue;
    };
    const eventsDlq = deadLetterQueue('EventDeliveryDlq', 'event deliveries from the domain bus');
    const asyncDlq = deadLetterQueue('AsyncInvokeDlq', 'asynchronous Lambda invocations');
    const scheduleDlq = deadLetterQueue('ScheduleDlq', 'schedules (deadlines and reminders)');

    const bus = new events.EventBus(this, 'Bus', { eventBusName: name('events') });
    bus.archive('Archive', {
      description: 'Every domain event, for replay after an incident',
      eventPattern: { account: [this.account] },
      retention: Duration.days(365),
    });
    const scheduleGroupName = name('schedules');
    new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: invokes the timer function, dead-letters what it cannot deliver',
    });
    scheduleDlq.grantSendMessages(schedulerRole);

    // ---------------------------------------------------------------- functions
    // Workflow ARNs are built from their names (not referenced) so functions that start or answer
    // a workflow do not form a dependency cycle with the workflow that invokes them.
    const workflowName = (key: WorkflowKey) => name(key);
    const workflowArn = (key: WorkflowKey) =>
      this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: workflowName(key),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    // How cdk-nag spells an ARN in its findings: unresolved parts as <AWS::...>.
    const nagText = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const arnPrefix = (service: string) =>
      `arn:${nagText(this.partition, 'Partition')}:${service}:${nagText(this.region, 'Region')}:${nagText(this.account, 'AccountId')}`;

    const timerFunctionArn = `arn:${this.partition}:lambda:${this.region}:${this.account}:function:${name(timerFunction)}`;
    const resources: Resources = {
      tableName: table.tableName,
      tableArn: table.tableArn,
      indexNames: tableShape.globalIndexes.map((index) => index.name),
      eventBusName: bus.eventBusName,
      eventBusArn: bus.eventBusArn,
      notificationTopicArn: notifications.topicArn,
      messagingKeyArn: key.keyArn,
      workflowArn,
      scheduleGroup: scheduleGroupName,
      schedulerRoleArn: schedulerRole.roleArn,
      scheduleDeadLetterArn: scheduleDlq.queueArn,
      timerFunctionArn,
      partition: this.partition,
      region: this.region,
      account: this.account,
      logLevel: 'info',
    };
    const built = {} as Record<FunctionKey, ServiceFunction>;
    for (const [key, spec] of Object.entries(functions) as [FunctionKey, (typeof functions)[FunctionKey]][]) {
      const access: FunctionAccess = spec.access;
      const workflowKeys = workflowsOf(access);
      const f = new ServiceFunction(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        name: key,
        spec,
        projectRoot: root,
        environment: environmentOf(key, access, resources) as Record<string, string>,
        logRetention,
        ...(key === 'docsApi'
          ? {
              copyFiles: ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'].map(
                (f) => `node_modules/swagger-ui-dist/${f}`,
              ),
            }
          : {}),
      });
      built[key] = f;
      const role = f.role;

      // The statements of functions/access.ts, the same ones the local runtime enforces.
      for (const s of statementsOf(access, resources)) {
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: s.sid,
            effect: s.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
            actions: [...s.actions],
            resources: [...s.resources],
            ...(s.leadingKeys
              ? { conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [...s.leadingKeys] } } }
              : {}),
          }),
        );
      }
      const wildcardReasons: [string, string][] = [
        ...workflowKeys
          .filter((w) => (access.startWorkflows ?? []).includes(w) || (access.readHistory ?? []).includes(w))
          .map((w): [string, string] => [
            `Resource::${arnPrefix('states')}:execution:${workflowName(w)}:*`,
            'Executions are named by tender at run time; the grant is limited to executions of this one state machine.',
          ]),
        ...(access.notifications
          ? [
              [
                'Action::kms:GenerateDataKey*',
                'Publishing to the KMS-encrypted topic needs data keys from its one key (the grant CDK generates).',
              ] as [string, string],
            ]
          : []),
        ...(access.schedules
          ? [
              [
                `Resource::${arnPrefix('scheduler')}:schedule/${scheduleGroupName}/*`,
                'Schedules are named by tender and deadline at run time; the grant is limited to the product’s schedule group.',
              ] as [string, string],
            ]
          : []),
      ];
      for (const [finding, reason] of wildcardReasons)
        Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }

    // Asynchronous invocations (the bus, the scheduler) retry, then dead-letter.
    for (const key of [timerFunction, ...new Set(subscriptions.map((s) => s.target))]) {
      built[key].fn.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(asyncDlq),
      });
    }
    // The unqualified ARN only: schedules target it, no version or alias.
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [built[timerFunction].fn.functionArn],
      }),
    );
    for (const f of Object.values(built)) {
      new cloudwatch.Alarm(this, `${f.node.id}Errors`, {
        alarmDescription: `${f.fn.functionName} reported errors`,
        metric: f.fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    // ---------------------------------------------------------------- workflows
    const stateMachines = {} as Record<WorkflowKey, sfn.StateMachine>;
    for (const [key, spec] of Object.entries(workflows) as [WorkflowKey, (typeof workflows)[WorkflowKey]][]) {
      const logGroup = new logs.LogGroup(this, `${key}Logs`, {
        logGroupName: `/aws/vendedlogs/states/${workflowName(key)}`,
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const sm = new sfn.StateMachine(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        stateMachineName: workflowName(key),
        stateMachineType: sfn.StateMachineType.STANDARD,
        comment: spec.description,
        definitionBody: sfn.DefinitionBody.fromFile(join(root, spec.file)),
        definitionSubstitutions: Object.fromEntries(
          Object.entries(spec.tasks).map(([sub, fnKey]) => [sub, built[fnKey as FunctionKey].fn.functionArn]),
        ),
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
      });
      for (const fnKey of new Set(Object.values(spec.tasks))) built[fnKey as FunctionKey].fn.grantInvoke(sm);
      stateMachines[key] = sm;
      Validations.of(sm.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray do not support resource-level permissions.',
      });
      for (const fnKey of new Set(Object.values(spec.tasks))) {
        Validations.of(sm.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(built[fnKey as FunctionKey].fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
          reason:
            'Invoking the task function includes its published versions (the grant CDK generates for lambda:invoke).',
        });
      }
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'] as const) {
        new cloudwatch.Alarm(this, `${key}${metric}`, {
          alarmDescription: `${workflowName(key)}: ${metric}. A tender's workflow stopped; see its execution history.`,
          metric: sm.metric(metric, { period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }).addAlarmAction(alarmAction);
      }
    }

    // ---------------------------------------------------------------- daily jobs
    for (const job of dailyJobs) {
      new events.Rule(this, `Daily-${job.name}`, {
        description: job.description,
        schedule: events.Schedule.cron({ minute: '0', hour: String(job.hourUtc) }),
        targets: [
          new eventTargets.LambdaFunction(built[job.target].fn, {
            event: events.RuleTargetInput.fromObject(job.input),
            deadLetterQueue: eventsDlq,
            retryAttempts: 8,
            maxEventAge: Duration.hours(12),
          }),
        ],
      });
    }

    // ---------------------------------------------------------------- events
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
        eventBus: bus,
        description: s.description,
        eventPattern: {
          ...(source ? { source } : {}),
          ...(detailType ? { detailType: detailType as string[] } : {}),
          ...(rest as events.EventPattern),
        },
        targets: [
          new eventTargets.LambdaFunction(built[s.target].fn, {
            deadLetterQueue: eventsDlq,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }

    // ---------------------------------------------------------------- users and the API
    const userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: name('users'),
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      customAttributes: {
        entity: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        supplier: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Helsekjøp ${role}s`,
      });
    }
    const client = userPool.addClient('WebClient', {
      userPoolClientName: name('web'),
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      // Users may not set their own tenant: custom attributes are written by administrators only.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, fullname: true })
        .withCustomAttributes('entity', 'supplier'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const api = new apigw.HttpApi(this, 'Api', {
      apiName: name('api'),
      description: 'Helsekjøp HTTP API',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    const authorizer = new HttpJwtAuthorizer(
      'Jwt',
      `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`,
      { jwtAudience: [client.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    for (const r of routes) {
      let integration = integrations.get(r.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${r.function}Integration`, built[r.function].fn);
        integrations.set(r.function, integration);
      }
      const [added] = api.addRoutes({
        path: r.path,
        methods: [r.method as apigw.HttpMethod],
        integration,
        ...(r.auth === 'jwt' ? { authorizer } : { authorizer: new apigw.HttpNoneAuthorizer() }),
      });
      if (r.auth === 'none' && added) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Public by design: the API documentation (OpenAPI document and its page) needs no sign-in.',
        });
      }
    }

    // ---------------------------------------------------------------- seed (custom resource)
    const seedProvider = new cr.Provider(this, 'SeedProvider', {
      onEventHandler: built[seedFunction].fn,
      logGroup: new logs.LogGroup(this, 'SeedProviderLogs', {
        retention: logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    new CustomResource(this, 'SeedSuppliers', {
      serviceToken: seedProvider.serviceToken,
      properties: {
        // Runs again when the seed data changes.
        seedVersion: createHash('sha256').update(JSON.stringify(seedSuppliers)).digest('hex').slice(0, 16),
      },
    });
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(built[seedFunction].fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
    ]) {
      Validations.of(seedProvider).acknowledge({
        id,
        reason:
          'The custom-resource provider framework of aws-cdk-lib: its role and its grant to invoke the seed function.',
      });
    }
    Validations.of(seedProvider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The provider framework function’s runtime is chosen by aws-cdk-lib and updated with it.',
    });

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'HTTP API base URL' });
    new CfnOutput(this, 'DocsUrl', { value: `${api.apiEndpoint}/docs`, description: 'Interactive API docs' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
    for (const [key, sm] of Object.entries(stateMachines))
      new CfnOutput(this, `${key}StateMachineArn`, { value: sm.stateMachineArn });
  }
}
