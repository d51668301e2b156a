/**
 * Contract between the ASL files' error handling and what the tasks throw: every name in a Catch or
 * Retry is a Step Functions (States.*) or Lambda (Lambda.*) error, or one the workflow's task modules
 * declare (TASK_ERRORS); every declared name is handled somewhere; an optimistic-lock conflict is
 * retried by its own name with jittered backoff, on every task, and nothing retries blindly.
 */
import { describe, expect, it } from 'vitest';
import { allStates, definitionOf, type State, taskModulesOf, workflowKeys } from './asl.ts';

const handlers = (state: State) => [
  ...(state.Retry ?? []).map((r) => ({ kind: 'Retry', names: r.ErrorEquals })),
  ...(state.Catch ?? []).map((c) => ({ kind: 'Catch', names: c.ErrorEquals })),
];

describe.each(workflowKeys)('workflow %s: error names', (key) => {
  const states = () => allStates(definitionOf(key));
  const declared = async () =>
    new Set([...(await taskModulesOf(key)).values()].flatMap((m) => [...m.TASK_ERRORS]));

  it('catches and retries only errors of Step Functions, Lambda, or its task modules', async () => {
    const known = await declared();
    const unknown = states().flatMap(([name, state]) =>
      handlers(state).flatMap(({ kind, names }) =>
        names
          .filter((n) => !n.startsWith('States.') && !n.startsWith('Lambda.') && !known.has(n))
          .map((n) => `${name} ${kind} ${n}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('handles every error its task modules declare', async () => {
    const handled = new Set(states().flatMap(([, s]) => handlers(s).flatMap((h) => h.names)));
    expect([...(await declared())].filter((n) => !handled.has(n))).toEqual([]);
  });

  it('retries a version conflict on every task, by exactly that name, with jittered exponential backoff', () => {
    for (const [name, state] of states().filter(([, s]) => s.Type === 'Task')) {
      const retrier = (state.Retry ?? []).find((r) => r.ErrorEquals.includes('VersionConflict'));
      expect(retrier, name).toMatchObject({ ErrorEquals: ['VersionConflict'], JitterStrategy: 'FULL' });
      expect(retrier?.BackoffRate ?? 1, name).toBeGreaterThan(1);
      expect(retrier?.MaxAttempts ?? 3, name).toBeGreaterThanOrEqual(3);
    }
  });

  it('never retries or catches blindly (States.ALL, States.TaskFailed)', () => {
    const blind = states().flatMap(([name, state]) =>
      handlers(state)
        .filter((h) => h.names.some((n) => n === 'States.ALL' || n === 'States.TaskFailed'))
        .map((h) => `${name} ${h.kind}`),
    );
    expect(blind).toEqual([]);
  });
});
