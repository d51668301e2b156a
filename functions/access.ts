/**
 * What each function may touch, in one place: the IAM statements and the environment variables
 * that follow from its manifest access (functions/manifest.ts). The CDK stack turns the statements
 * into the function's role policy and the variables into its Lambda environment; the local runtime
 * gives each function exactly these variables (nothing more: a variable read but not given fails
 * the same way on both) and refuses, as IAM would, every call outside these statements.
 *
 * Plain data and pure functions: no AWS imports. Resource names come in as `Resources`, filled with
 * CloudFormation tokens by the stack and with local ARNs by the local runtime.
 */
import {
  METRICS_NAMESPACE,
  type VariableName,
  type WorkflowKey,
  workflowArnVariable,
} from './contracts/environment.ts';
import type { FunctionAccess } from './manifest.ts';

/** The physical names and ARNs of the product's resources, as the stack or the local runtime knows them. */
export interface Resources {
  tableName: string;
  tableArn: string;
  indexNames: readonly string[];
  eventBusName: string;
  eventBusArn: string;
  notificationTopicArn: string;
  /** The key that encrypts the notification topic (publishing needs data keys from it). */
  messagingKeyArn: string;
  workflowArn: (workflow: WorkflowKey) => string;
  scheduleGroup: string;
  schedulerRoleArn: string;
  scheduleDeadLetterArn: string;
  timerFunctionArn: string;
  /** The bucket the signed audit digests are kept in (S3 Object Lock, compliance mode). */
  digestBucketName: string;
  digestBucketArn: string;
  /** The asymmetric key (ECC_NIST_P256, SIGN_VERIFY) the audit digests are signed with. */
  signingKeyArn: string;
  /** The Secrets Manager secret of the Doffin Notices API (JSON: baseUrl, subscriptionKey), its full ARN. */
  doffinSecretArn: string;
  /** Region and account as ARNs spell them (tokens in the stack). */
  partition: string;
  region: string;
  account: string;
  logLevel: string;
}

export interface Statement {
  /** What the statement is for, in a word: its Sid on AWS, and what an access-denied message names locally. */
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: readonly string[];
  resources: readonly string[];
  /** `ForAnyValue:StringLike` on `dynamodb:LeadingKeys`: the statement applies to items whose partition key matches. */
  leadingKeys?: readonly string[];
}

/** The workflows a function names at run time (to start, answer or read). */
export const workflowsOf = (access: FunctionAccess): WorkflowKey[] => [
  ...new Set([
    ...(access.startWorkflows ?? []),
    ...(Object.keys(access.taskResponse ?? {}) as WorkflowKey[]),
    ...(access.readHistory ?? []),
  ]),
];

/** The function's Lambda environment: exactly what its access needs. */
export const environmentOf = (
  key: string,
  access: FunctionAccess,
  r: Resources,
): Partial<Record<VariableName, string>> => ({
  LOG_LEVEL: r.logLevel,
  NODE_OPTIONS: '--enable-source-maps',
  // Powertools: the service is the function (logs, traces and metrics per function), metrics in one namespace.
  POWERTOOLS_SERVICE_NAME: key,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  ...(access.table?.length ? { TABLE_NAME: r.tableName } : {}),
  ...Object.fromEntries(workflowsOf(access).map((w) => [workflowArnVariable(w), r.workflowArn(w)])),
  ...(access.bus ? { EVENT_BUS_NAME: r.eventBusName } : {}),
  ...(access.schedules?.length
    ? {
        SCHEDULE_GROUP: r.scheduleGroup,
        SCHEDULER_ROLE_ARN: r.schedulerRoleArn,
        SCHEDULE_DEAD_LETTER_ARN: r.scheduleDeadLetterArn,
        TIMER_FUNCTION_ARN: r.timerFunctionArn,
      }
    : {}),
  ...(access.notifications ? { NOTIFICATION_TOPIC_ARN: r.notificationTopicArn } : {}),
  ...(access.digests?.length ? { DIGEST_BUCKET: r.digestBucketName } : {}),
  ...(access.signing?.length ? { SIGNING_KEY_ID: r.signingKeyArn } : {}),
  ...(access.doffin ? { DOFFIN_SECRET_ARN: r.doffinSecretArn } : {}),
});

const arn = (r: Resources, service: string, resource: string) =>
  `arn:${r.partition}:${service}:${r.region}:${r.account}:${resource}`;

/** The ARNs of a workflow's executions (named at run time, so a pattern). */
export const executionArns = (r: Resources, workflow: WorkflowKey): string =>
  r.workflowArn(workflow).replace(':stateMachine:', ':execution:').concat(':*');

export const scheduleArns = (r: Resources): string => arn(r, 'scheduler', `schedule/${r.scheduleGroup}/*`);

/** The function's IAM statements, besides writing its own logs and traces (lib/service-function.ts). */
export const statementsOf = (access: FunctionAccess, r: Resources): Statement[] => {
  const statements: Statement[] = [];
  if (access.table?.length) {
    statements.push({
      sid: 'Table',
      effect: 'Allow',
      actions: access.table.map((a) => `dynamodb:${a}`),
      resources: [r.tableArn, ...r.indexNames.map((i) => `${r.tableArn}/index/${i}`)],
    });
    // Audit events are appended, never changed: no function may update or delete them, whatever it
    // is granted later. (An overwrite by PutItem cannot be told apart by IAM; the store writes them
    // with attribute_not_exists.)
    statements.push({
      sid: 'AuditAppendOnly',
      effect: 'Deny',
      actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      resources: [r.tableArn],
      leadingKeys: ['AUDIT#*'],
    });
  }
  if (access.bus)
    statements.push({
      sid: 'Bus',
      effect: 'Allow',
      actions: ['events:PutEvents'],
      resources: [r.eventBusArn],
    });
  if (access.notifications) {
    statements.push({
      sid: 'Notifications',
      effect: 'Allow',
      actions: ['sns:Publish'],
      resources: [r.notificationTopicArn],
    });
    statements.push({
      sid: 'NotificationsKey',
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: [r.messagingKeyArn],
    });
  }
  const objects = (access.digests ?? []).filter((a) => a !== 'ListBucket');
  if (objects.length)
    statements.push({
      sid: 'Digests',
      effect: 'Allow',
      actions: objects.map((a) => `s3:${a}`),
      resources: [`${r.digestBucketArn}/*`],
    });
  if (access.digests?.includes('ListBucket'))
    statements.push({
      sid: 'DigestList',
      effect: 'Allow',
      actions: ['s3:ListBucket'],
      resources: [r.digestBucketArn],
    });
  if (access.signing?.length)
    statements.push({
      sid: 'Signing',
      effect: 'Allow',
      actions: access.signing.map((a) => `kms:${a}`),
      resources: [r.signingKeyArn],
    });
  if (access.doffin)
    statements.push({
      sid: 'DoffinSecret',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [r.doffinSecretArn],
    });
  for (const w of access.startWorkflows ?? [])
    statements.push({
      sid: `Start${w}`,
      effect: 'Allow',
      actions: ['states:StartExecution'],
      resources: [r.workflowArn(w)],
    });
  for (const w of access.readHistory ?? [])
    statements.push({
      sid: `Read${w}`,
      effect: 'Allow',
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [executionArns(r, w)],
    });
  for (const [w, actions] of Object.entries(access.taskResponse ?? {}) as [WorkflowKey, string[]][])
    statements.push({
      sid: `Answer${w}`,
      effect: 'Allow',
      actions: actions.map((a) => `states:${a}`),
      resources: [r.workflowArn(w)],
    });
  if (access.schedules?.length) {
    statements.push({
      sid: 'Schedules',
      effect: 'Allow',
      actions: access.schedules.map((a) => `scheduler:${a}`),
      resources: [scheduleArns(r)],
    });
    statements.push({
      sid: 'PassSchedulerRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [r.schedulerRoleArn],
    });
  }
  return statements;
};

/** IAM's `*` and `?` in a resource or action pattern. */
const compiled = new Map<string, RegExp>();
/** Compiled once per pattern: the local runtime evaluates every DynamoDB and AWS call. */
const glob = (pattern: string, value: string): boolean => {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    );
    compiled.set(pattern, regex);
  }
  return regex.test(value);
};

export interface Request {
  action: string;
  resource: string;
  /** Partition keys of the items the call touches (DynamoDB). */
  leadingKeys?: readonly string[];
}

/**
 * IAM's answer for one request against a function's statements: an explicit Deny wins, then an
 * Allow, else the implicit deny. Returns the deciding statement's sid, or undefined when denied.
 */
export const evaluate = (
  statements: readonly Statement[],
  request: Request,
): { allowed: boolean; by?: string } => {
  const applies = (s: Statement) =>
    s.actions.some((a) => glob(a, request.action)) &&
    s.resources.some((p) => glob(p, request.resource)) &&
    (!s.leadingKeys || (request.leadingKeys ?? []).some((k) => s.leadingKeys?.some((p) => glob(p, k))));
  const deny = statements.find((s) => s.effect === 'Deny' && applies(s));
  if (deny) return { allowed: false, by: deny.sid };
  const allow = statements.find((s) => s.effect === 'Allow' && applies(s));
  return allow ? { allowed: true, by: allow.sid } : { allowed: false };
};
