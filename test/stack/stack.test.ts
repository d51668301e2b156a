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
import { dailyJobs, functions, routes, subscriptions, workflows } from '../../functions/manifest.ts';
import { HelsekjopStack, ROLES } from '../../lib/helsekjop-stack.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const makeApp = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new HelsekjopStack(app, 'Helsekjop', {
    projectRoot,
    env: { account: '123456789012', region: 'eu-north-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

type Resource = { Type: string; Properties: Record<string, unknown>; [k: string]: unknown };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let template: Template;
let assemblyDir: string;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const policyOf = (roleLogicalIdPrefix: string): Statement[] =>
  ofType('AWS::IAM::Policy')
    .filter(([id]) => id.startsWith(roleLogicalIdPrefix))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

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

  it('denies every function updating or deleting audit events', () => {
    for (const key of Object.keys(functions)) {
      const deny = policyOf(`${key[0]?.toUpperCase()}${key.slice(1)}Role`).find((s) => s.Effect === 'Deny');
      expect(deny, key).toMatchObject({
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      });
    }
  });

  it('lets the documentation function only read the table, and only the workflow tasks touch schedules', () => {
    const docs = policyOf('DocsApiRole');
    const table = docs.find(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(actionsOf(table as Statement).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const scheduling = Object.keys(functions).filter((key) =>
      policyOf(`${key[0]?.toUpperCase()}${key.slice(1)}Role`).some((s) =>
        actionsOf(s).includes('scheduler:CreateSchedule'),
      ),
    );
    expect(scheduling).toEqual(['tenderWorkflow', 'agreementWorkflow', 'timer', 'seed']);
    const schedules = policyOf('TenderWorkflowRole').find((s) =>
      actionsOf(s).includes('scheduler:CreateSchedule'),
    );
    expect(flatten(schedules?.Resource)).toBe(
      'arn:<AWS::Partition>:scheduler:eu-north-1:123456789012:schedule/Helsekjop-schedules/*',
    );
    const passRole = policyOf('TenderWorkflowRole').find((s) => actionsOf(s).includes('iam:PassRole'));
    expect(flatten(passRole?.Resource)).toMatch(/^<SchedulerRole[0-9A-F]+\.Arn>$/);
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
    expect(rules).toHaveLength(subscriptions.length + dailyJobs.length);
    const daily = rules.filter(([, r]) => r.Properties.ScheduleExpression);
    expect(daily.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(
      dailyJobs.map((j) => `cron(0 ${j.hourUtc} * * ? *)`),
    );
    for (const [, rule] of rules) {
      const targets = rule.Properties.Targets as { DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
      expect(targets[0]?.DeadLetterConfig).toBeDefined();
      expect(targets[0]?.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 8 });
    }
    const queues = ofType('AWS::SQS::Queue').map(([id]) => id);
    expect(queues).toHaveLength(3);
    const alarmed = ofType('AWS::CloudWatch::Alarm').flatMap(([, a]) =>
      ((a.Properties.Dimensions as { Value: unknown }[]) ?? []).map((d) => flatten(d.Value)),
    );
    for (const q of queues) expect(alarmed).toContain(`<${q}.QueueName>`);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});
