/**
 * What a function's code can call on AWS: its entry bundled by esbuild as the stack bundles it
 * (tree-shaken, so only code the handler can reach), dependencies left out, and every AWS SDK
 * command the bundle constructs mapped to the IAM action it needs. For DynamoDB transactions, the
 * kinds of item the code writes (Put, Update, Delete, ConditionCheck) are the actions.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../../local/functions.ts';

const COMMAND_ACTIONS: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  StartExecutionCommand: ['states:StartExecution'],
  DescribeExecutionCommand: ['states:DescribeExecution'],
  GetExecutionHistoryCommand: ['states:GetExecutionHistory'],
  SendTaskSuccessCommand: ['states:SendTaskSuccess'],
  SendTaskFailureCommand: ['states:SendTaskFailure'],
  SendTaskHeartbeatCommand: ['states:SendTaskHeartbeat'],
  StopExecutionCommand: ['states:StopExecution'],
  PutEventsCommand: ['events:PutEvents'],
  CreateScheduleCommand: ['scheduler:CreateSchedule'],
  UpdateScheduleCommand: ['scheduler:UpdateSchedule'],
  DeleteScheduleCommand: ['scheduler:DeleteSchedule'],
  GetScheduleCommand: ['scheduler:GetSchedule'],
  PublishCommand: ['sns:Publish'],
  PutObjectCommand: ['s3:PutObject'],
  GetObjectCommand: ['s3:GetObject'],
  ListObjectsV2Command: ['s3:ListBucket'],
  SignCommand: ['kms:Sign'],
  GetPublicKeyCommand: ['kms:GetPublicKey'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
};

const TRANSACT_ITEMS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The IAM actions the code reachable from `entry` can call, and the SDK commands it constructs. */
export const sdkCallsOf = async (entry: string): Promise<{ actions: Set<string>; unknown: string[] }> => {
  const result = await build({
    entryPoints: [resolve(projectRoot, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    minify: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  // esbuild renames clashing imports (`QueryCommand as QueryCommand2`): read the aliases first.
  const original = new Map<string, string>();
  for (const [, names] of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/[^"]+"/g))
    for (const part of (names ?? '').split(',')) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (name) original.set(alias ?? name, name);
    }
  // Packages loaded on first use (functions/adapters/clients.ts's `sdk`): `const { X: Y } = sdk("@aws-sdk/…")`.
  for (const [, names] of code.matchAll(/const\s*\{([^}]*)\}\s*=\s*\w+\(\s*"@aws-sdk\/[^"]+"\s*\)/g))
    for (const part of (names ?? '').split(',')) {
      const [name, alias] = part.trim().split(/\s*:\s*/);
      if (name) original.set(alias ?? name, name);
    }
  const actions = new Set<string>();
  const unknown: string[] = [];
  for (const [, local] of code.matchAll(/new (\w+)\(/g)) {
    const command = local ? original.get(local) : undefined;
    if (!command?.endsWith('Command')) continue;
    if (command === 'TransactWriteCommand') {
      for (const [kind, action] of Object.entries(TRANSACT_ITEMS))
        if (new RegExp(`\\b${kind}:\\s*\\{`).test(code)) actions.add(action);
      continue;
    }
    const mapped = COMMAND_ACTIONS[command];
    if (mapped) for (const a of mapped) actions.add(a);
    else unknown.push(command);
  }
  return { actions, unknown };
};
