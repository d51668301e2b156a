/**
 * The local Step Functions' executions on disk (issue 11, "Restarts and long jumps"): each change is
 * appended to a journal, not a rewrite of every history (before, the whole file was rewritten on
 * every workflow event, and start-up with 200 waiting tenders grew from 4 s to 59 s). A runtime
 * killed without stopping (kill -9) loses nothing it acknowledged: a new one on the same files finds
 * every execution with its whole history, resumes it, and a line cut short by the kill is skipped.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { journalPathOf } from '../../local/execution-journal.ts';
import { LocalFunctions, registerFunction } from '../../local/functions.ts';
import { JsonFile } from '../../local/persist.ts';
import { LocalStepFunctions, type SfnState, stateMachineArnOf } from '../../local/stepfunctions.ts';
import { eventually } from '../support/eventually.ts';

const dir = mkdtempSync(join(tmpdir(), 'helsekjop-persistence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = {
  decision: {
    file: 'test/fixtures/workflows/decision.asl.json',
    tasks: { PrepareFunction: 'persistPrepare', DecisionFunction: 'persistDecision' },
  },
};
const tokens = new Map<string, string>();
registerFunction('persistPrepare', async () => ({ prepared: true }));
registerFunction('persistDecision', async (event) => {
  const { case: c, taskToken } = event as { case: string; taskToken: string };
  tokens.set(c, taskToken);
  return {};
});

const snapshot = join(dir, 'stepfunctions.json');
const clock = new LocalClock(0, () => {});
const engine = () =>
  new LocalStepFunctions(
    clock,
    new JsonFile<SfnState>(snapshot, () => ({ executions: [] })),
    new LocalFunctions(() => ({})).invoke,
    fixture,
  );

describe('local execution persistence', () => {
  it('appends each workflow event instead of rewriting the file, and a kill loses nothing acknowledged', async () => {
    const first = engine();
    const snapshotAtStart = statSync(snapshot).mtimeMs;
    const arns = Array.from(
      { length: 20 },
      (_, i) =>
        first.startExecution({
          stateMachineArn: stateMachineArnOf('decision'),
          name: `case-${i}`,
          input: JSON.stringify({ case: `case-${i}` }),
        }).executionArn,
    );
    await eventually(
      () => tokens.size,
      (n) => n === 20,
      10_000,
      10,
    );
    first.sendTaskSuccess(tokens.get('case-0') as string, '{"approved":true}');
    await first.settled(arns[0] as string);
    // Hundreds of events, and the snapshot was not written again: they are in the journal.
    expect(statSync(snapshot).mtimeMs).toBe(snapshotAtStart);
    const journal = readFileSync(journalPathOf(snapshot), 'utf8').trim().split('\n');
    expect(journal.length).toBeGreaterThan(20 * 8);
    const before = arns.map((arn) => first.getExecutionHistory({ executionArn: arn }).events);

    // kill -9: no stop, and the last line cut short as a kill in the middle of a write leaves it.
    appendFileSync(journalPathOf(snapshot), '{"n":999999,"x":"arn:aws:states:');
    const second = engine();
    for (const [i, arn] of arns.entries())
      expect(second.getExecutionHistory({ executionArn: arn }).events).toEqual(before[i]);
    expect(second.describeExecution(arns[0] as string).status).toBe('SUCCEEDED');
    expect(second.resume()).toBe(19);
    await eventually(
      () => second.getExecutionHistory({ executionArn: arns[1] as string, reverseOrder: true }).events[0],
      (e) => e?.type === 'TaskSubmitted',
      10_000,
      10,
    );
    // (The first, killed, never stops.)
    second.stop();
    // Stopped: one snapshot holds everything, the journal is empty, and a third start finds it all.
    expect(readFileSync(journalPathOf(snapshot), 'utf8')).toBe('');
    const third = engine();
    expect(third.getExecutionHistory({ executionArn: arns[1] as string }).events.at(-1)?.type).toBe(
      'TaskSubmitted',
    );
    expect(third.listExecutions(stateMachineArnOf('decision'), 'RUNNING').executions).toHaveLength(19);
    third.stop();
  });
});
