/**
 * The local Step Functions: an ASL file executed by aws-local-stepfunctions, driven through the
 * real SFN SDK client against the local endpoint: task tokens (success, failure, timeout on the
 * local clock beyond Node's timer limit), history shape, idempotent start, resumption after restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalAccessControl, OPERATOR_ACCESS_KEY } from '../../local/access-control.ts';
import { AwsEndpoint } from '../../local/aws-endpoint.ts';
import { LocalClock } from '../../local/clock.ts';
import { LocalEventBus } from '../../local/event-bus.ts';
import { LocalFunctions, registerFunction } from '../../local/functions.ts';
import { JsonFile } from '../../local/persist.ts';
import { localResources } from '../../local/runtime.ts';
import { LocalScheduler } from '../../local/scheduler.ts';
import { LocalStepFunctions, type SfnState, stateMachineArnOf } from '../../local/stepfunctions.ts';
import { eventually } from '../support/eventually.ts';

const DAY = 86_400_000;
const fixture = {
  decision: {
    file: 'test/fixtures/workflows/decision.asl.json',
    tasks: { PrepareFunction: 'testPrepare', DecisionFunction: 'testDecision' },
  },
};
const MACHINE = stateMachineArnOf('decision');

let dir: string;
let clock: LocalClock;
let sfnStore: JsonFile<SfnState>;
let stepFunctions: LocalStepFunctions;
let endpoint: AwsEndpoint;
let client: SFNClient;
let waiting: { case: string; taskToken: string; execution: string }[];

const startEngine = async () => {
  // Only the functions registered by this test, in-process.
  const invoke = new LocalFunctions(() => ({})).invoke;
  stepFunctions = new LocalStepFunctions(clock, sfnStore, invoke, fixture);
  endpoint = new AwsEndpoint(
    stepFunctions,
    new LocalEventBus(invoke, []),
    new LocalScheduler(clock, new JsonFile(undefined, () => ({ schedules: [], deadLetters: [] })), invoke),
    () => clock.now(),
    new LocalAccessControl(localResources('silent')),
  );
  const url = await endpoint.start(0);
  client = new SFNClient({
    endpoint: url,
    region: 'eu-north-1',
    credentials: { accessKeyId: OPERATOR_ACCESS_KEY, secretAccessKey: 'x' },
  });
};

const stopEngine = async () => {
  stepFunctions.stop();
  await endpoint.stop();
  client.destroy();
};

/** Polls until the decision step for `c` has its token (never a fixed sleep). */
const tokenFor = async (c: string, after = 0): Promise<string> => {
  const found = await eventually(
    () => waiting.filter((w) => w.case === c)[after],
    (w) => w !== undefined,
    5000,
    10,
  );
  return (found as { taskToken: string }).taskToken;
};

const settled = (executionArn: string) =>
  eventually(
    () => client.send(new DescribeExecutionCommand({ executionArn })),
    (d) => d.status !== 'RUNNING',
    5000,
    10,
  );

const start = async (c: string) =>
  (
    await client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: c, input: JSON.stringify({ case: c }) }),
    )
  ).executionArn as string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helsekjop-sfn-'));
  clock = new LocalClock(0, () => {});
  sfnStore = new JsonFile<SfnState>(join(dir, 'stepfunctions.json'), () => ({ executions: [] }));
  registerFunction('testPrepare', async () => ({ prepared: true }));
  registerFunction('testDecision', async (event) => {
    waiting.push(event as (typeof waiting)[number]);
    return {};
  });
  await startEngine();
});

beforeEach(() => {
  waiting = [];
});

afterAll(async () => {
  await stopEngine();
  rmSync(dir, { recursive: true, force: true });
});

describe('local Step Functions', () => {
  it('completes a waiting task with SendTaskSuccess and records the history in the GetExecutionHistory shape', async () => {
    const arn = await start('success');
    const token = await tokenFor('success');
    expect(waiting[0]?.execution).toBe(arn);
    await client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    const done = await settled(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      case: 'success',
      prepare: { prepared: true },
      decision: { approved: true },
    });

    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => i + 1));
    expect(events[1]?.stateEnteredEventDetails?.name).toBe('Prepare');
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    const reversed = await client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 2 }),
    );
    expect(reversed.events?.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'SucceedStateExited']);
    expect(reversed.nextToken).toBeDefined();

    // A used token is gone, as on AWS.
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('lets a Catch handle SendTaskFailure by its error name', async () => {
    const arn = await start('failure');
    await client.send(
      new SendTaskFailureCommand({
        taskToken: await tokenFor('failure'),
        error: 'Rejected',
        cause: 'Not needed',
      }),
    );
    const done = await settled(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      outcome: 'rejected',
      error: { Error: 'Rejected', Cause: 'Not needed' },
    });
  });

  it('times a 30-day wait out on the local clock: not a moment early, not on real time', async () => {
    const arn = await start('timeout');
    await tokenFor('timeout');
    // Node would fire a 30-day setTimeout at once (TimeoutOverflowWarning); the local clock does not.
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await clock.advance(30 * DAY - 60_000);
    expect((await client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await clock.advance(120_000);
    const done = await settled(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'DecisionExpired' });
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.map((e) => e.type)).toContain('TaskTimedOut');
  });

  it('treats a repeated StartExecution with the same name and input as the same execution', async () => {
    const first = await start('twice');
    expect(await start('twice')).toBe(first);
    await expect(
      client.send(
        new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'twice', input: '{"case":"other"}' }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await client.send(new SendTaskSuccessCommand({ taskToken: await tokenFor('twice'), output: '{}' }));
    await settled(first);
  });

  it('resumes an execution that waited on a token when the runtime stopped, and the old token is void', async () => {
    const arn = await start('restart');
    const oldToken = await tokenFor('restart');
    await stopEngine();
    await startEngine();
    expect(stepFunctions.resume()).toBe(1);
    const newToken = await tokenFor('restart', 1);
    expect(newToken).not.toBe(oldToken);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: oldToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await client.send(new SendTaskSuccessCommand({ taskToken: newToken, output: '{"late":true}' }));
    const done = await settled(arn);
    expect(done.status).toBe('SUCCEEDED');
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.map((e) => e.type)).toContain('ExecutionRedriven');
    expect(events[0]?.type).toBe('ExecutionStarted');
  });
});
