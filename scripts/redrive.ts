import { resolve } from 'node:path';
import {
  type ExecutionListItem,
  type ExecutionStatus,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { workflows } from '../functions/manifest.ts';
import { commandLine } from '../local/cli.ts';
import { readConnection } from '../local/connection.ts';

export const REDRIVABLE: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface RedriveOutcome {
  executionArn: string;
  status?: string;
  redriven: boolean;
  reason?: string;
}

/** The executions of a state machine that ended without success. */
export const failedExecutions = async (
  client: SFNClient,
  stateMachineArn: string,
): Promise<ExecutionListItem[]> => {
  const found: ExecutionListItem[] = [];
  for (const statusFilter of REDRIVABLE) {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, nextToken }));
      found.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return found;
};

export const redriveOne = async (client: SFNClient, executionArn: string): Promise<RedriveOutcome> => {
  try {
    await client.send(new RedriveExecutionCommand({ executionArn }));
    return { executionArn, redriven: true };
  } catch (error) {
    return { executionArn, redriven: false, reason: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

export const redriveAll = async (client: SFNClient, stateMachineArn: string, dryRun = false) => {
  const outcomes: RedriveOutcome[] = [];
  for (const e of await failedExecutions(client, stateMachineArn)) {
    if (!e.executionArn) continue;
    outcomes.push(
      dryRun
        ? { executionArn: e.executionArn, status: e.status, redriven: false, reason: 'dry run' }
        : { ...(await redriveOne(client, e.executionArn)), status: e.status },
    );
  }
  return outcomes;
};

const findStateMachine = async (client: SFNClient, name: string): Promise<string> => {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ nextToken }));
    const hit = page.stateMachines?.find((m) => m.name === name);
    if (hit?.stateMachineArn) return hit.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new Error(`No state machine named ${name} in this account and region`);
};

/** The local product's endpoints, written by `npm start` (local/start.ts). */
export const localConnection = (dataDir = resolve(import.meta.dirname, '..', '.local')) => {
  const noted = readConnection(dataDir);
  if (!noted) throw new Error('The local product is not running here: start it with npm start');
  return noted;
};

const USAGE = `
Usage: npm run redrive -- --workflow <${Object.keys(workflows).join('|')}> [options]
       npm run redrive -- <executionArn> [options]

Redrives the workflow's FAILED, TIMED_OUT and ABORTED executions (or one execution), on AWS with
your credentials, or in the running local product (docs/operations.md, "Recovery").

  --stack <name>       the stack whose state machine it is (default Helsekjop)
  --local              the local product (npm start) instead of AWS
  --data-dir <dir>     with --local: the product's data dir, if not .local
  --dry-run            list what would be redriven
`;

const main = async () => {
  const { values, positionals } = commandLine(USAGE, {
    workflow: { type: 'string' },
    stack: { type: 'string', default: 'Helsekjop' },
    local: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  });
  const local = values.local ? localConnection(values['data-dir']) : undefined;
  const client = local
    ? new SFNClient({
        endpoint: local.awsEndpoint,
        region: local.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new SFNClient({});
  let outcomes: RedriveOutcome[];
  if (positionals[0]) {
    outcomes = [await redriveOne(client, positionals[0])];
  } else {
    const workflow = values.workflow;
    if (!workflow || !(workflow in workflows))
      throw new Error(`Name a workflow: --workflow ${Object.keys(workflows).join('|')}, or an execution ARN`);
    const name = local ? `${local.stateMachinePrefix}${workflow}` : `${values.stack}-${workflow}`;
    outcomes = await redriveAll(client, await findStateMachine(client, name), values['dry-run']);
  }
  for (const o of outcomes)
    console.log(
      `${o.redriven ? 'redriven' : 'not redriven'}  ${o.status ?? ''}  ${o.executionArn}${o.reason ? `  (${o.reason})` : ''}`,
    );
  console.log(`${outcomes.filter((o) => o.redriven).length} of ${outcomes.length} execution(s) redriven`);
  if (outcomes.some((o) => !o.redriven && o.reason !== 'dry run')) process.exitCode = 1;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
