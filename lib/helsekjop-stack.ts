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
  Fn,
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
import { executionArns, METRICS_NAMESPACE, type Resources } from '../functions/access.ts';
import { roles } from '../functions/commons/auth.ts';
import { tableShape } from '../functions/commons/table.ts';
import { seedSuppliers } from '../functions/domain/reference-data.ts';
import {
  dailyJobs,
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

/** The roles (one Cognito group each) are those of the auth policy: functions/commons/auth.ts. */
export { roles as ROLES } from '../functions/commons/auth.ts';

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
  /**
   * Use this existing user pool (with its users and groups) instead of creating one: the pool a
   * deleted stack retained (`-c existingUserPoolId=...`). A new app client is created in it.
   */
  existingUserPoolId?: string;
}

/** Metrics (AWS/DynamoDB, AWS/Scheduler, the product's own) are counted over five minutes. */
const PERIOD = Duration.minutes(5);

export class HelsekjopStack extends Stack {
  constructor(scope: Construct, id: string, props: HelsekjopStackProps) {
    super(scope, id, props);
    const root = props.projectRoot;
    const name = (suffix: string) => `${this.stackName}-${suffix}`;
    // Resources that outlive the stack (RemovalPolicy.RETAIN) never carry a fixed name: a stack
    // created again (after `cdk destroy`, or after a failed first deploy rolled back) would collide
    // with what the old one left behind. Where a readable name helps, it ends with the first part of
    // the stack id, a UUID CloudFormation draws anew for every stack it creates.
    const stackCreation = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', this.stackId))));
    const retainedName = (readable: string) => `${readable}-${stackCreation}`;
    const logRetention = logs.RetentionDays.THREE_MONTHS;

    // ---------------------------------------------------------------- state
    const table: dynamodb.ITableV2 = props.existingTableName
      ? dynamodb.TableV2.fromTableName(this, 'Table', props.existingTableName)
      : this.createTable();

    // ---------------------------------------------------------------- messaging
    // The key encrypts only messages in flight on the two topics, which go with the stack: nothing
    // outlives the stack encrypted under it, so it goes too (after KMS's 30-day waiting period).
    const key = new kms.Key(this, 'MessagingKey', {
      description: 'Encrypts the notification and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
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
    // CloudWatch publishes alarm notifications as the service, for this account's alarms only.
    alarms.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarms.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    const alarmAction = new cwActions.SnsAction(alarms);
    /** Every alarm of the product: a count over five minutes that reaches one, sent to the alarm topic. */
    const alarm = (
      id: string,
      description: string,
      metric: cloudwatch.IMetric,
      options: { threshold?: number; evaluationPeriods?: number } = {},
    ) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: options.threshold ?? 1,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(alarmAction);
      return a;
    };
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
      alarm(
        `${id}NotEmpty`,
        `Messages in ${queue.node.id}: ${what} failed after all retries. Inspect, fix, redrive (docs/operations.md).`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD }),
      );
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
    const scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
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
      const f = new ServiceFunction(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        name: key,
        spec,
        projectRoot: root,
        logRetention,
        ...(key === 'docsApi'
          ? {
              copyFiles: ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'].map(
                (f) => `node_modules/swagger-ui-dist/${f}`,
              ),
            }
          : {}),
      });
      // The statements and environment of functions/access.ts, the same ones the local runtime enforces.
      f.bindAccess(resources);
      built[key] = f;
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
    const httpFunctions = new Set(routes.map((r) => r.function));
    for (const [key, f] of Object.entries(built) as [FunctionKey, ServiceFunction][]) {
      alarm(
        `${f.node.id}Errors`,
        `${f.fn.functionName} failed invocations (uncaught error, timeout, out of memory). First check its log group for the invocation's error.`,
        f.fn.metricErrors({ period: PERIOD }),
      );
      alarm(
        `${f.node.id}Throttles`,
        `${f.fn.functionName} was throttled: Lambda refused invocations for lack of concurrency. First check the account's ConcurrentExecutions against its quota.`,
        f.fn.metricThrottles({ period: PERIOD }),
      );
      if (httpFunctions.has(key)) {
        // Counted by the handler for every request answered with a 5xx problem (Powertools Metrics,
        // EMF): the errors the handler caught, which Lambda's Errors metric never sees.
        alarm(
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

    // ---------------------------------------------------------------- workflows
    const stateMachines = {} as Record<WorkflowKey, sfn.StateMachine>;
    for (const [key, spec] of Object.entries(workflows) as [WorkflowKey, (typeof workflows)[WorkflowKey]][]) {
      const logGroup = new logs.LogGroup(this, `${key}Logs`, {
        // Kept when the stack goes (the workflow history is evidence), so named per stack creation;
        // the /aws/vendedlogs/ prefix keeps log delivery out of the account's log resource policy.
        logGroupName: retainedName(`/aws/vendedlogs/states/${workflowName(key)}`),
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
        alarm(
          `${key}${metric}`,
          `${workflowName(key)}: ${metric}. An execution stopped before its end; see its execution history, fix the cause, then redrive it (npm run redrive -- --workflow ${key}).`,
          sm.metric(metric, { period: PERIOD, statistic: 'Sum' }),
        );
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
    const userPool: cognito.IUserPool = props.existingUserPoolId
      ? cognito.UserPool.fromUserPoolId(this, 'Users', props.existingUserPoolId)
      : this.createUserPool(retainedName(name('users')));
    const client = userPool.addClient('WebClient', {
      userPoolClientName: name('web'),
      generateSecret: false,
      // Sign-in with SRP only (and refreshing its tokens); the ID token is the API's bearer token.
      // No hosted UI, so no OAuth: no authorization-code or implicit grant, no callback URL.
      authFlows: { userSrp: true },
      disableOAuth: true,
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

    // ---------------------------------------------------------------- alarms on the managed services
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
        dimensionsMap: { TableName: table.tableName, ...dimensions },
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

    // ---------------------------------------------------------------- seed (custom resource)
    const seedProvider = new cr.Provider(this, 'SeedProvider', {
      onEventHandler: built[seedFunction].fn,
      logGroup: new logs.LogGroup(this, 'SeedProviderLogs', {
        retention: logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const seedResource = new CustomResource(this, 'SeedSuppliers', {
      serviceToken: seedProvider.serviceToken,
      properties: {
        // Runs again when the seed data changes.
        seedVersion: createHash('sha256').update(JSON.stringify(seedSuppliers)).digest('hex').slice(0, 16),
      },
    });
    // The seed arms the yearly renegotiation timer: a schedule in the group (named, not referenced,
    // in its environment), run by the scheduler role, calling the timer function.
    seedResource.node.addDependency(scheduleGroup, schedulerRole, built[timerFunction]);
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

    // ---------------------------------------------------------------- operations
    // What the operations team needs to recover (docs/operations.md): find the product's workflows,
    // list and read their executions, redrive the failed ones (npm run redrive), and read and clear
    // the dead-letter queues. Nothing else: no starting executions, no invoking functions.
    const workflowKeys = Object.keys(workflows) as WorkflowKey[];
    const operationsPolicy = new iam.ManagedPolicy(this, 'OperationsPolicy', {
      description: `${this.stackName}: recovery by the operations team (redrive workflows, inspect dead letters)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'FindWorkflows',
          actions: ['states:ListStateMachines'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReadWorkflows',
          actions: ['states:DescribeStateMachine', 'states:ListExecutions'],
          resources: workflowKeys.map((w) => workflowArn(w)),
        }),
        new iam.PolicyStatement({
          sid: 'RedriveExecutions',
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: workflowKeys.map((w) => executionArns(resources, w)),
        }),
        new iam.PolicyStatement({
          sid: 'InspectDeadLetters',
          actions: [
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
          ],
          resources: [eventsDlq.queueArn, asyncDlq.queueArn, scheduleDlq.queueArn],
        }),
      ],
    });
    Validations.of(operationsPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:ListStateMachines has no resource-level permissions; the redrive command uses it to find the product’s state machines by name.',
    });
    for (const w of workflowKeys) {
      Validations.of(operationsPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnPrefix('states')}:execution:${workflowName(w)}:*]`,
        reason:
          'Executions are named by tender or agreement at run time; the grant is limited to executions of this one state machine.',
      });
    }

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'HTTP API base URL' });
    new CfnOutput(this, 'DocsUrl', { value: `${api.apiEndpoint}/docs`, description: 'Interactive API docs' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
    new CfnOutput(this, 'OperationsPolicyArn', {
      value: operationsPolicy.managedPolicyArn,
      description: 'Attach to the operations team’s role or group (docs/operations.md)',
    });
    for (const [key, sm] of Object.entries(stateMachines))
      new CfnOutput(this, `${key}StateMachineArn`, { value: sm.stateMachineArn });
  }

  /** The one table: on-demand, PITR, deletion-protected, retained when the stack goes. */
  private createTable(): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, 'Table', {
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
  }

  /** The user pool with a group per role: MFA, threat protection (Plus), retained when the stack goes. */
  private createUserPool(userPoolName: string): cognito.UserPool {
    const userPool = new cognito.UserPool(this, 'Users', {
      // A label, not an identifier (user pools are found by id), still kept apart per stack creation.
      userPoolName,
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
    for (const role of roles) {
      // Retained with the pool: deleting a group would drop every user's membership, and with it
      // their role, from the pool a new stack reattaches (docs/operations.md).
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Helsekjøp ${role}s`,
      }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    return userPool;
  }
}
