/**
 * The CDK stack, synthesized with cdk-nag's AwsSolutions checks (bundling skipped: the functions'
 * code is not what these tests look at). Asserts what matters for operators and auditors: state is
 * protected, every grant is scoped, the workflow is the ASL file with its tasks bound, every
 * manifest route is served and signed-in.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Resources, statementsOf } from '../../functions/access.ts';
import {
  METRICS_NAMESPACE,
  SWEEP_FAILURES,
  type WorkflowKey,
} from '../../functions/contracts/environment.ts';
import {
  dailyJobs,
  type FunctionKey,
  functions,
  hourlyJobs,
  routes,
  streamConsumers,
  subscriptions,
  workflows,
} from '../../functions/manifest.ts';
import { HelsekjopStack, type HelsekjopStackProps, ROLES } from '../../lib/helsekjop-stack.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const makeApp = (props: Partial<HelsekjopStackProps> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new HelsekjopStack(app, 'Helsekjop', {
    projectRoot,
    env: { account: '123456789012', region: 'eu-north-1' },
    ...props,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
  [k: string]: unknown;
};
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

let template: Template;
let assemblyDir: string;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const roleOf = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}Role`;
const policyOf = (roleLogicalIdPrefix: string): Statement[] =>
  ofType('AWS::IAM::Policy')
    .filter(([id]) => id.startsWith(roleLogicalIdPrefix))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

/** Stand-ins for the stack's resource names: statementsOf() only needs their shape here. */
const probeResources: Resources = {
  tableName: 'table',
  tableArn: 'arn:table',
  indexNames: ['GSI1', 'GSI2'],
  eventBusName: 'bus',
  eventBusArn: 'arn:bus',
  notificationTopicArn: 'arn:topic',
  messagingKeyArn: 'arn:key',
  digestBucketName: 'digests',
  digestBucketArn: 'arn:aws:s3:::digests',
  signingKeyArn: 'arn:signing-key',
  doffinSecretArn: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:doffin-AbCdEf',
  workflowArn: (w: WorkflowKey) => `arn:aws:states:eu-north-1:123456789012:stateMachine:${w}`,
  scheduleGroup: 'schedules',
  schedulerRoleArn: 'arn:role',
  scheduleDeadLetterArn: 'arn:queue',
  timerFunctionArn: 'arn:timer',
  partition: 'aws',
  region: 'eu-north-1',
  account: '123456789012',
  logLevel: 'info',
};

/** Fn::Join / Fn::GetAtt / Ref flattened into one string, tokens as <LogicalId>. */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(sep);
  }
  if (v['Fn::GetAtt']) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (v.Ref) return `<${v.Ref as string}>`;
  return JSON.stringify(value);
};

/** A CloudFormation value that differs between two creations of the stack: it refers to the stack id or to a resource. */
const uniquePerCreation = (value: unknown): boolean => {
  const text = JSON.stringify(value);
  return (
    text.includes('"Ref":"AWS::StackId"') ||
    Object.keys(resources).some(
      (id) => text.includes(`"Ref":"${id}"`) || text.includes(`"Fn::GetAtt":["${id}"`),
    )
  );
};

/** The properties that name a resource (its identity), as CloudFormation would collide on them. */
const identityOf = (type: string): string[] =>
  ({
    'AWS::DynamoDB::GlobalTable': ['TableName'],
    'AWS::DynamoDB::Table': ['TableName'],
    'AWS::Logs::LogGroup': ['LogGroupName'],
    'AWS::Cognito::UserPool': ['UserPoolName'],
    // A group is named within its pool: the pool is part of its identity.
    'AWS::Cognito::UserPoolGroup': ['UserPoolId', 'GroupName'],
    'AWS::KMS::Alias': ['AliasName'],
  })[type] ?? [`${type.split('::')[2]}Name`, 'Name'];

type Alarm = [string, Resource];
/** The metrics an alarm watches (one, or those of its math expression), dimensions flattened. */
const metricsOf = ([, a]: Alarm) => {
  type Raw = { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  const p = a.Properties as Raw & { Metrics?: { MetricStat?: { Metric: Raw } }[] };
  const raws: Raw[] = p.Metrics
    ? p.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))
    : [{ Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions ?? [] }];
  return raws.map((m) => ({
    namespace: m.Namespace,
    name: m.MetricName,
    dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, flatten(d.Value)])),
  }));
};
const alarms = (): Alarm[] => ofType('AWS::CloudWatch::Alarm');
const alarmsOn = (namespace: string, name: string, dimensions: Record<string, string> = {}) =>
  alarms().filter((a) =>
    metricsOf(a).some(
      (m) =>
        m.namespace === namespace &&
        m.name === name &&
        Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v),
    ),
  );
const alarmTopicRef = () => {
  const [[id] = []] = ofType('AWS::SNS::Topic').filter(
    ([, t]) => t.Properties.TopicName === 'Helsekjop-alarms',
  );
  return { Ref: id };
};
/** Exactly one alarm on the metric, and it notifies the alarm topic. */
const expectOneAlarmToTopic = (found: Alarm[], what: string) => {
  expect(found, what).toHaveLength(1);
  expect(found[0]?.[1].Properties.AlarmActions, what).toEqual([alarmTopicRef()]);
};
const logicalIdOf = (type: string, prefix: string) =>
  ofType(type).find(([id]) => id.startsWith(prefix))?.[0] as string;

describe('the stack', () => {
  beforeAll(() => {
    const { app, stack } = makeApp();
    assemblyDir = app.synth().directory; // throws when a cdk-nag finding is not acknowledged
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  it('passes the cdk-nag AwsSolutions checks, every acknowledgement with a reason', () => {
    const { app } = makeApp();
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8'));
    expect(report.pluginReports.flatMap((p: { violations?: unknown[] }) => p.violations ?? [])).toEqual([]);
  });

  it('fails synthesis on a new finding nobody acknowledged (the checks are really on)', () => {
    const { app, stack } = makeApp();
    new sqs.Queue(stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });

  it('keeps the table safe: on-demand, PITR, deletion protection, retained, encrypted, TTL, two GSIs', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'GSI1', Projection: { ProjectionType: 'ALL' } }),
          Match.objectLike({ IndexName: 'GSI2', Projection: { ProjectionType: 'ALL' } }),
        ],
        SSESpecification: Match.objectLike({ SSEEnabled: true }),
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('builds every manifest function the same way: Node.js 24 on arm64, ESM bundle, tracing, JSON logs', () => {
    const fns = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('SeedProvider'));
    expect(fns).toHaveLength(Object.keys(functions).length);
    for (const [, fn] of fns) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
      });
    }
    for (const [, lg] of ofType('AWS::Logs::LogGroup'))
      expect(lg.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('grants no Scan, no wildcard action, and resource * only where AWS allows nothing narrower', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(
      ([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      for (const action of actionsOf(s)) {
        expect(action).not.toMatch(/^dynamodb:Scan$|:\*$|^\*$/);
      }
      if (s.Resource === '*') {
        for (const action of actionsOf(s))
          expect(action).toMatch(/^xray:|^logs:(Create|Get|Update|Delete|List|Put|Describe)/);
      }
    }
  });

  // The statements functions/access.ts derives from each manifest entry, with stand-in resource names.
  const described = (key: FunctionKey) => statementsOf(functions[key].access, probeResources);

  it('gives every function exactly the statements functions/access.ts describes for it, no more', () => {
    for (const key of Object.keys(functions) as FunctionKey[]) {
      // The role's own statements (logs, X-Ray, its dead-letter destination) carry no Sid.
      const granted = policyOf(roleOf(key))
        .filter((s) => s.Sid)
        .map((s) => ({ sid: s.Sid, effect: s.Effect, actions: [...actionsOf(s)].sort() }))
        .sort((a, b) => String(a.sid).localeCompare(String(b.sid)));
      const expected = described(key)
        .map((s) => ({ sid: s.sid, effect: s.effect, actions: [...s.actions].sort() }))
        .sort((a, b) => a.sid.localeCompare(b.sid));
      expect(granted, key).toEqual(expected);
    }
  });

  it('denies every function that touches the table updating or deleting audit events', () => {
    const tableUsers = (Object.keys(functions) as FunctionKey[]).filter((key) =>
      described(key).some((s) => s.actions.some((a) => a.startsWith('dynamodb:'))),
    );
    expect(tableUsers.length).toBeGreaterThan(0);
    for (const key of tableUsers) {
      const deny = policyOf(roleOf(key)).find((s) => s.Effect === 'Deny');
      expect(deny, key).toMatchObject({
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      });
    }
  });

  it('lets only the functions whose manifest access lists schedules touch them, in the product group only', () => {
    const keys = Object.keys(functions) as FunctionKey[];
    const touchesSchedules = (statements: { actions: readonly string[] | string[] }[]) =>
      statements.some((s) => s.actions.some((a) => a.startsWith('scheduler:')));
    const scheduling = keys.filter((key) =>
      touchesSchedules(policyOf(roleOf(key)).map((s) => ({ actions: actionsOf(s) }))),
    );
    expect(scheduling).toEqual(keys.filter((key) => touchesSchedules(described(key))));
    expect(scheduling.length).toBeGreaterThan(0);
    for (const key of scheduling) {
      const statements = policyOf(roleOf(key));
      const schedules = statements.find((s) => actionsOf(s).some((a) => a.startsWith('scheduler:')));
      expect(flatten(schedules?.Resource), key).toBe(
        'arn:<AWS::Partition>:scheduler:eu-north-1:123456789012:schedule/Helsekjop-schedules/*',
      );
      const passRole = statements.find((s) => actionsOf(s).includes('iam:PassRole'));
      expect(flatten(passRole?.Resource), key).toMatch(/^<SchedulerRole[0-9A-F]+\.Arn>$/);
    }
  });

  it('runs each workflow from its ASL file, tasks bound to the manifest functions, logged and traced', () => {
    for (const [key, spec] of Object.entries(workflows)) {
      const [[, sm] = []] = ofType('AWS::StepFunctions::StateMachine').filter(
        ([, r]) => r.Properties.StateMachineName === `Helsekjop-${key}`,
      );
      expect(sm).toBeDefined();
      const machine = sm as Resource;
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: expect.objectContaining({ Level: 'ALL', IncludeExecutionData: true }),
      });
      // The definition is the workflow file itself, uploaded as an asset; CloudFormation substitutes.
      const location = machine.Properties.DefinitionS3Location as { Key: string };
      const deployed = readFileSync(`${assemblyDir}/asset.${location.Key}`, 'utf8');
      const file = readFileSync(`${projectRoot}/${spec.file}`, 'utf8');
      expect(JSON.parse(deployed)).toEqual(JSON.parse(file));
      const placeholders = [...new Set([...file.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(placeholders).toEqual(Object.keys(spec.tasks).sort());
      const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
      for (const [sub, fnKey] of Object.entries(spec.tasks)) {
        expect(flatten(substitutions[sub])).toMatch(
          new RegExp(`^<${fnKey[0]?.toUpperCase()}${fnKey.slice(1)}Function[0-9A-F]+\\.Arn>$`),
        );
      }
    }
  });

  it('serves every manifest route, each signed in with the Cognito JWT unless public by design', () => {
    const routeResources = ofType('AWS::ApiGatewayV2::Route');
    expect(routeResources.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(
      routes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const r of routes) {
      const [, resource] =
        routeResources.find(([, x]) => x.Properties.RouteKey === `${r.method} ${r.path}`) ?? [];
      expect(resource?.Properties.AuthorizationType).toBe(r.auth === 'jwt' ? 'JWT' : 'NONE');
    }
    expect(routes.filter((r) => r.auth === 'none').map((r) => r.path)).toEqual([
      '/openapi.json',
      '/docs',
      '/docs/{asset}',
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('has a group per role, and users cannot write their own tenant claims', () => {
    expect(
      ofType('AWS::Cognito::UserPoolGroup')
        .map(([, r]) => r.Properties.GroupName)
        .sort(),
    ).toEqual([...ROLES].sort());
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      WriteAttributes: ['name'],
      GenerateSecret: false,
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
    });
  });

  it('delivers domain events with retries and a dead-letter queue, and alarms on every DLQ', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(subscriptions.length + dailyJobs.length + hourlyJobs.length);
    const scheduled = rules.filter(([, r]) => r.Properties.ScheduleExpression);
    expect(scheduled.map(([, r]) => r.Properties.ScheduleExpression).sort()).toEqual(
      [
        ...dailyJobs.map((j) => `cron(0 ${j.hourUtc} * * ? *)`),
        ...hourlyJobs.map(() => 'rate(1 hour)'),
      ].sort(),
    );
    for (const [, rule] of rules) {
      const targets = rule.Properties.Targets as { DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
      expect(targets[0]?.DeadLetterConfig).toBeDefined();
      expect(targets[0]?.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 8 });
    }
    const queues = ofType('AWS::SQS::Queue').map(([id]) => id);
    expect(queues).toHaveLength(4);
    const alarmed = ofType('AWS::CloudWatch::Alarm').flatMap(([, a]) =>
      ((a.Properties.Dimensions as { Value: unknown }[]) ?? []).map((d) => flatten(d.Value)),
    );
    for (const q of queues) expect(alarmed).toContain(`<${q}.QueueName>`);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('lets no retained resource carry a fixed name, so the stack can be created again after destroy or a failed deploy', () => {
    const retained = Object.entries(resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
    // What outlives the stack: the data, the users, and the logs kept as evidence.
    expect(new Set(retained.map(([, r]) => r.Type))).toEqual(
      new Set([
        'AWS::DynamoDB::GlobalTable',
        'AWS::Cognito::UserPool',
        'AWS::Cognito::UserPoolGroup',
        'AWS::Logs::LogGroup',
        // The signed audit digests and the key that verifies them outlive the stack (docs/audit.md).
        'AWS::S3::Bucket',
        'AWS::KMS::Key',
        // The Doffin subscription key operators put in (DFØ issues it; a new stack should not lose it).
        'AWS::SecretsManager::Secret',
      ]),
    );
    for (const [id, r] of retained) {
      const identity = identityOf(r.Type).filter((p) => r.Properties[p] !== undefined);
      if (identity.length === 0) continue; // CloudFormation generates the name
      expect(uniquePerCreation(identity.map((p) => r.Properties[p])), `${id} (${identity.join(', ')})`).toBe(
        true,
      );
    }
    // The workflow logs keep their vended-logs prefix, with the stack creation's id at the end.
    for (const key of Object.keys(workflows)) {
      const [, logGroup] = ofType('AWS::Logs::LogGroup').find(([id]) => id.startsWith(`${key}Logs`)) ?? [];
      expect(flatten(logGroup?.Properties.LogGroupName)).toMatch(
        new RegExp(`^/aws/vendedlogs/states/Helsekjop-${key}-.*AWS::StackId`),
      );
    }
    // The key only encrypts messages in flight on the stack's topics: it goes with them.
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({}) });
  });

  it('keeps the signed audit digests in a locked bucket, signs them with a key no writer can manage, and alarms on tampering', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    });
    // Every action any function may take on the bucket or a key: none manages them.
    const actions = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
        (st) => [st.Action].flat(),
      ),
    );
    expect(actions.filter((a) => a.startsWith('kms:')).sort()).toEqual(
      ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:GetPublicKey', 'kms:Sign'].sort(),
    );
    expect([...new Set(actions.filter((a) => a.startsWith('s3:')))].sort()).toEqual(
      ['s3:GetObject', 's3:ListBucket', 's3:PutObject'].sort(),
    );
    const signers = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('kms:Sign'),
    );
    expect(signers.map(([id]) => id)).toEqual([expect.stringMatching(/^AuditDigestRole/)]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuditTampering',
      Dimensions: [{ Name: 'service', Value: 'auditWatcher' }],
    });
    // A retention the operator sets.
    const { stack } = makeApp({ auditRetentionYears: 7 });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 * 365 } } },
    });
  });

  it('keeps the Doffin secret for the notices function and the publication check alone, read-only, and ships the XSDs and the validator beside its bundle', () => {
    const [secretId] = ofType('AWS::SecretsManager::Secret').map(([id]) => id);
    expect(secretId).toBeDefined();
    const readers = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:'),
    );
    // The function that submits and the hourly check of publications; no other.
    expect(readers.map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^NoticeWatcherRole/),
      expect.stringMatching(/^NoticesApiRole/),
    ]);
    for (const role of ['NoticesApiRole', 'NoticeWatcherRole'])
      expect(policyOf(role)).toContainEqual({
        Sid: 'DoffinSecret',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: secretId },
      });
    // Every hour the check runs (an EventBridge rule, as the audit digest's).
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ type: 'notices.publications' }) })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.stringLikeRegexp('-noticesApi$'),
      Timeout: 29,
      Environment: { Variables: Match.objectLike({ DOFFIN_SECRET_ARN: { Ref: secretId } }) },
    });
    // The construct copies what the manifest's packaging names (bundling is skipped here).
    expect(functions.noticesApi.packaging).toEqual({
      packages: ['xmllint-wasm'],
      folders: ['functions/adapters/eforms-xsd'],
    });
  });

  it('reattaches a retained table and user pool given as context instead of creating new ones', () => {
    const { app, stack } = makeApp({
      existingTableName: 'Helsekjop-TableCD117FA1-OLD',
      existingTableStreamArn:
        'arn:aws:dynamodb:eu-north-1:123456789012:table/Helsekjop-TableCD117FA1-OLD/stream/2026-01-01T00:00:00.000',
      existingUserPoolId: 'eu-north-1_OldPool',
    });
    app.synth(); // cdk-nag included
    const adopted = Template.fromStack(stack);
    adopted.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    adopted.resourceCountIs('AWS::Cognito::UserPool', 0);
    adopted.resourceCountIs('AWS::Cognito::UserPoolGroup', 0); // the retained pool kept its groups
    adopted.hasResourceProperties('AWS::Cognito::UserPoolClient', { UserPoolId: 'eu-north-1_OldPool' });
    adopted.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'Helsekjop-tendersApi',
      Environment: { Variables: Match.objectLike({ TABLE_NAME: 'Helsekjop-TableCD117FA1-OLD' }) },
    });
    adopted.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: Match.objectLike({
        Issuer: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_OldPool',
      }),
    });
    const statements = Object.values(adopted.findResources('AWS::IAM::Policy')).flatMap(
      (r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const tableGrant = statements.find((s) => s.Sid === 'Table');
    expect(JSON.stringify(tableGrant?.Resource)).toContain(':table/Helsekjop-TableCD117FA1-OLD');
    // The outbox relay reads the retained table's stream.
    adopted.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.stringLikeRegexp('Helsekjop-TableCD117FA1-OLD/stream/'),
    });
  });

  it('refuses a retained table without its stream: the outbox relay would have nothing to read', () => {
    expect(() => makeApp({ existingTableName: 'Helsekjop-TableCD117FA1-OLD' })).toThrow(
      /existingTableStreamArn/,
    );
  });

  it('relays the outbox from the table stream: new outbox items only, failures from the failed record on, to a DLQ, alarmed when behind', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(streamConsumers.length);
    for (const consumer of streamConsumers) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: Match.objectLike({
          Ref: Match.stringLikeRegexp(
            `^${consumer.target[0]?.toUpperCase()}${consumer.target.slice(1)}Function`,
          ),
        }),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: consumer.batchSize,
        MaximumRetryAttempts: consumer.retryAttempts,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(consumer.filter) }] },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: Match.anyValue() }],
      });
    }
  });

  it('lets the web client sign in with SRP only: no OAuth, no implicit grant, no callback URL', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [[, client] = []] = clients;
    const p = (client as Resource).Properties;
    expect(p.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(false);
    for (const absent of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs'])
      expect(p[absent], absent).toBeUndefined();
    expect(JSON.stringify(p)).not.toMatch(/example\.com|implicit/);
    // The ID token is the bearer token: the authorizer's audience is this client.
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: Match.objectLike({
        Audience: [{ Ref: logicalIdOf('AWS::Cognito::UserPoolClient', '') }],
      }),
    });
  });

  it('seeds only once the schedule group, the scheduler role and the timer it arms exist', () => {
    const [[, seed] = []] = ofType('AWS::CloudFormation::CustomResource').filter(([id]) =>
      id.startsWith('SeedSuppliers'),
    );
    const dependsOn = (seed as Resource).DependsOn ?? [];
    expect(dependsOn).toContain(logicalIdOf('AWS::Scheduler::ScheduleGroup', 'Schedules'));
    expect(dependsOn).toContain(logicalIdOf('AWS::IAM::Role', 'SchedulerRole'));
    expect(dependsOn).toContain(logicalIdOf('AWS::Lambda::Function', 'TimerFunction'));
  });

  it('lets CloudWatch publish to the alarm topic and use its key, for this account’s alarms only', () => {
    const topic = alarmTopicRef();
    const [[, policy] = []] = ofType('AWS::SNS::TopicPolicy').filter(([, r]) =>
      JSON.stringify(r.Properties.Topics).includes(topic.Ref as string),
    );
    const statements = ((policy as Resource).Properties.PolicyDocument as { Statement: Statement[] })
      .Statement;
    const publish = statements.find((s) => s.Effect === 'Allow');
    expect(publish).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    const condition = (publish as Statement).Condition as { ArnLike: Record<string, unknown> };
    expect(flatten(condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudwatch:eu-north-1:123456789012:alarm:*',
    );
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const keyStatements = (key as Resource).Properties.KeyPolicy as { Statement: Statement[] };
    expect(keyStatements.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }),
    );
  });

  it('sends every alarm to the alarm topic', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const [id, a] of alarms()) expect(a.Properties.AlarmActions, id).toEqual([alarmTopicRef()]);
  });

  it('alarms on API 5xx, on requests the stage throttled (429 in the access log) and on a flood of 4xx', () => {
    const api = `<${logicalIdOf('AWS::ApiGatewayV2::Api', 'Api')}>`;
    expectOneAlarmToTopic(alarmsOn('AWS/ApiGateway', '5xx', { ApiId: api }), 'API 5xx');
    expectOneAlarmToTopic(alarmsOn('AWS/ApiGateway', '4xx', { ApiId: api }), 'API 4xx share');
    const [, filter] = ofType('AWS::Logs::MetricFilter')[0] ?? [];
    expect(filter?.Properties).toMatchObject({
      LogGroupName: { Ref: logicalIdOf('AWS::Logs::LogGroup', 'ApiAccessLogs') },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        { MetricNamespace: METRICS_NAMESPACE, MetricName: 'HttpThrottled', MetricValue: '1' },
      ],
    });
    expectOneAlarmToTopic(alarmsOn(METRICS_NAMESPACE, 'HttpThrottled'), 'API 429');
  });

  it('alarms per function on errors and throttles, and per HTTP function on the 5xx problems it answered', () => {
    const httpFunctions = new Set(routes.map((r) => r.function));
    expect(httpFunctions.size).toBeGreaterThan(0);
    for (const key of Object.keys(functions) as FunctionKey[]) {
      const fn = `<${logicalIdOf('AWS::Lambda::Function', `${roleOf(key).replace(/Role$/, '')}Function`)}>`;
      expectOneAlarmToTopic(alarmsOn('AWS/Lambda', 'Errors', { FunctionName: fn }), `${key} Errors`);
      expectOneAlarmToTopic(alarmsOn('AWS/Lambda', 'Throttles', { FunctionName: fn }), `${key} Throttles`);
      const serverErrors = alarmsOn(METRICS_NAMESPACE, 'HttpServerErrors', { service: key });
      if (httpFunctions.has(key)) expectOneAlarmToTopic(serverErrors, `${key} HttpServerErrors`);
      else expect(serverErrors, key).toHaveLength(0);
    }
    // The daily sweep's items it could not handle (it succeeds with the others).
    expectOneAlarmToTopic(
      alarmsOn(METRICS_NAMESPACE, SWEEP_FAILURES, { service: 'timer' }),
      'sweep failures',
    );
  });

  it('alarms on DynamoDB throttling of the table and each index, and on its system errors', () => {
    const table = `<${logicalIdOf('AWS::DynamoDB::GlobalTable', 'Table')}>`;
    const throttled = alarmsOn('AWS/DynamoDB', 'ReadThrottleEvents', { TableName: table });
    expectOneAlarmToTopic(throttled, 'table throttling');
    const watched = metricsOf(throttled[0] as Alarm);
    for (const name of ['ReadThrottleEvents', 'WriteThrottleEvents'])
      for (const index of [undefined, 'GSI1', 'GSI2'])
        expect(watched, `${name} ${index ?? 'table'}`).toContainEqual({
          namespace: 'AWS/DynamoDB',
          name,
          dimensions: { TableName: table, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        });
    const systemErrors = alarmsOn('AWS/DynamoDB', 'SystemErrors', { TableName: table });
    expectOneAlarmToTopic(systemErrors, 'table system errors');
    const operations = metricsOf(systemErrors[0] as Alarm).map((m) => m.dimensions.Operation);
    for (const op of ['GetItem', 'Query', 'TransactWriteItems']) expect(operations).toContain(op);
  });

  it('alarms on EventBridge Scheduler target errors, dropped invocations and failed dead-lettering', () => {
    for (const metric of [
      'TargetErrorCount',
      'InvocationDroppedCount',
      'InvocationsFailedToBeSentToDeadLetterCount',
    ])
      expectOneAlarmToTopic(
        alarmsOn('AWS/Scheduler', metric, { ScheduleGroup: 'Helsekjop-schedules' }),
        `Scheduler ${metric}`,
      );
  });

  it('alarms on workflow executions that fail, time out or are aborted', () => {
    for (const key of Object.keys(workflows)) {
      const sm = `<${logicalIdOf('AWS::StepFunctions::StateMachine', `${key[0]?.toUpperCase()}${key.slice(1)}`)}>`;
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])
        expectOneAlarmToTopic(alarmsOn('AWS/States', metric, { StateMachineArn: sm }), `${key} ${metric}`);
    }
  });

  it('gives the operations team a policy to find, read and redrive the product’s executions, and read its dead letters', () => {
    const [[id, policy] = []] = ofType('AWS::IAM::ManagedPolicy').filter(([i]) =>
      i.startsWith('OperationsPolicy'),
    );
    const statements = ((policy as Resource).Properties.PolicyDocument as { Statement: Statement[] })
      .Statement;
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(bySid('FindWorkflows')).toMatchObject({ Action: 'states:ListStateMachines', Resource: '*' });
    // Resource * for that one action only.
    for (const s of statements)
      if (s.Resource === '*') expect(actionsOf(s)).toEqual(['states:ListStateMachines']);
    const workflowKeys = Object.keys(workflows);
    const read = bySid('ReadWorkflows') as Statement;
    expect(actionsOf(read).sort()).toEqual(['states:DescribeStateMachine', 'states:ListExecutions']);
    expect((read.Resource as unknown[]).map(flatten)).toEqual(
      workflowKeys.map(
        (w) => `arn:<AWS::Partition>:states:eu-north-1:123456789012:stateMachine:Helsekjop-${w}`,
      ),
    );
    const redrive = bySid('RedriveExecutions') as Statement;
    expect(actionsOf(redrive).sort()).toEqual([
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:RedriveExecution',
    ]);
    expect((redrive.Resource as unknown[]).map(flatten)).toEqual(
      workflowKeys.map(
        (w) => `arn:<AWS::Partition>:states:eu-north-1:123456789012:execution:Helsekjop-${w}:*`,
      ),
    );
    const deadLetters = bySid('InspectDeadLetters') as Statement;
    expect((deadLetters.Resource as unknown[]).map(flatten).sort()).toEqual(
      ofType('AWS::SQS::Queue')
        .map(([q]) => `<${q}.Arn>`)
        .sort(),
    );
    expect(statements.flatMap(actionsOf)).not.toContain('states:StartExecution');
    expect(statements.flatMap(actionsOf)).not.toContain('lambda:InvokeFunction');
    template.hasOutput('OperationsPolicyArn', { Value: { Ref: id } });
  });
});
