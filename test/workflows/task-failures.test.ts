/**
 * The local engine survives any task failure (issue 11, "Restarts and long jumps"). A task behind a
 * `.waitForTaskToken` step that fails before handing out its token (an exception, a rejected
 * promise, a value thrown that is not an Error) used to leave the token's timeout armed on the local
 * clock; when a later clock advance fired it, the engine rejected a promise no one listened to any
 * more, and the unhandled rejection brought the whole local runtime down. A task that never answers
 * times out on the engine's own TimeoutSeconds. In every case the step's Catch takes over, the
 * clock fires nothing for a step that is gone, and the engine runs the next execution.
 * (It used to survive only when the execution had ended by the time the stale timer fired; a Retry
 * that waits again on a new token, as the tender workflow's steps have, brought it down.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { LocalFunctions, registerFunction } from '../../local/functions.ts';
import { JsonFile } from '../../local/persist.ts';
import { LocalStepFunctions, type SfnState, stateMachineArnOf } from '../../local/stepfunctions.ts';
import { eventually } from '../support/eventually.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'helsekjop-task-failures-'));
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const definition = {
  StartAt: 'Await',
  States: {
    Await: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution, not a template
        FunctionName: '${AwaitFunction}',
        Payload: { 'mode.$': '$.mode', 'taskToken.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' },
      },
      TimeoutSeconds: 30 * 86_400,
      Retry: [{ ErrorEquals: ['TaskBroke', 'Error'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Answered',
    },
    Answered: { Type: 'Succeed' },
    Failed: { Type: 'Pass', Result: 'caught', ResultPath: '$.outcome', End: true },
  },
};

let clock: LocalClock;
let stepFunctions: LocalStepFunctions;
let answer: (token: string) => void = () => {};
const attempts = new Map<string, number>();

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  const file = join(dir, 'await.asl.json');
  writeFileSync(file, JSON.stringify(definition));
  registerFunction('testAwait', async (event) => {
    const { mode, taskToken, execution } = event as { mode: string; taskToken: string; execution: string };
    const attempt = (attempts.get(execution) ?? 0) + 1;
    attempts.set(execution, attempt);
    if (mode === 'answer') answer(taskToken);
    // Fails at its first attempt; the Retry's second attempt hands its token out and waits.
    if (attempt > 1 || mode === 'answer') return {};
    if (mode === 'throw') throw Object.assign(new Error('the task broke'), { name: 'TaskBroke' });
    if (mode === 'reject') return Promise.reject('not even an Error');
    return {};
  });
  clock = new LocalClock(0, () => {});
  stepFunctions = new LocalStepFunctions(
    clock,
    new JsonFile<SfnState>(undefined, () => ({ executions: [] })),
    new LocalFunctions(() => ({})).invoke,
    { await: { file, tasks: { AwaitFunction: 'testAwait' } } },
  );
});

afterAll(() => {
  stepFunctions.stop();
  process.off('unhandledRejection', onUnhandled);
  rmSync(dir, { recursive: true, force: true });
});

const start = (name: string, mode: string) =>
  stepFunctions.startExecution({
    stateMachineArn: stateMachineArnOf('await'),
    name,
    input: JSON.stringify({ mode }),
  }).executionArn;

describe('a task that fails behind a waitForTaskToken step', () => {
  it.each([
    ['throws', 'throw'],
    ['rejects with something that is not an Error', 'reject'],
  ])(
    '%s: the Retry waits on a new token, the failed attempt leaves no timer, a 400-day jump brings nothing down',
    async (_, mode) => {
      const arn = start(`failed-${mode}`, mode);
      await eventually(
        () => stepFunctions.describeExecution(arn),
        () => attempts.get(arn) === 2,
        10_000,
        10,
      );

      // The failed attempt's timeout would come due first, for a token no one waits on any more.
      await clock.advance(400 * DAY);
      const done = await stepFunctions.settled(arn);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
      // The attempt that waited timed out, once, and the Catch took over.
      const types = done.history.map((e) => e.type);
      expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(1);
      expect(types.filter((t) => t === 'TaskTimedOut')).toHaveLength(1);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output ?? '{}')).toMatchObject({
        outcome: 'caught',
        error: { Error: 'States.Timeout' },
      });

      // The engine goes on: the next execution waits, is answered, and succeeds.
      const answered = new Promise<string>((resolve) => {
        answer = resolve;
      });
      const next = start(`after-${mode}`, 'answer');
      stepFunctions.sendTaskSuccess(await answered, '{}');
      expect((await stepFunctions.settled(next)).status).toBe('SUCCEEDED');
    },
  );
});
