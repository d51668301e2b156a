/**
 * No wait outlives its execution: a Step Functions Standard execution lives at most a year. The
 * waiting states' TimeoutSeconds are the ones functions/services/workflow/waits.ts budgets; the longest path
 * through each workflow (each state once: waits at their timeout, tasks at their timeout times their
 * attempts) fits in the year; and every loop back into a wait is bounded, either by a wait that
 * starts only when it still fits (it catches WaitOutlivesExecution) or by a moment check (the
 * deadline or standstill not yet reached: the timer fired within a minute of it).
 */
import { describe, expect, it } from 'vitest';
import { MAX_BID_PERIOD_DAYS } from '../../functions/domain/tender.ts';
import {
  EXECUTION_LIFE_SECONDS,
  EXECUTION_MARGIN_SECONDS,
  waitTimeouts,
} from '../../functions/services/workflow/waits.ts';
import { allStates, type Definition, definitionOf, isWait, type State, workflowKeys } from './asl.ts';

const DAY = 86_400;
const USABLE = EXECUTION_LIFE_SECONDS - EXECUTION_MARGIN_SECONDS;
/** The most lots a tender has (functions/domain/tender.ts): a Map runs them MaxConcurrency at a time. */
const MAX_LOTS = 50;

/** How long a state can take at worst: a wait its timeout, a task every attempt at its timeout plus the backoff. */
const worstSeconds = (state: State): number => {
  if (state.Type === 'Map') {
    const inner = state.ItemProcessor ?? state.Iterator;
    const batches = Math.ceil(MAX_LOTS / Number(state.MaxConcurrency || MAX_LOTS));
    return inner ? batches * longestPath(inner).seconds : 0;
  }
  if (state.Type !== 'Task') return 0;
  const timeout = state.TimeoutSeconds ?? 99_999_999;
  if (isWait(state)) return timeout;
  const retries = state.Retry ?? [];
  const attempts = 1 + retries.reduce((n, r) => n + (r.MaxAttempts ?? 3), 0);
  const backoff = retries.reduce((sum, r) => {
    let total = 0;
    for (let k = 0; k < (r.MaxAttempts ?? 3); k++)
      total += (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** k;
    return sum + total;
  }, 0);
  return attempts * timeout + backoff;
};

const edges = (state: State, skip: (error: string[]) => boolean = () => false): string[] => [
  ...(state.Next ? [state.Next] : []),
  ...(state.Default ? [state.Default] : []),
  ...(state.Choices ?? []).map((c) => c.Next),
  ...(state.Catch ?? []).filter((c) => !skip(c.ErrorEquals)).map((c) => c.Next),
];

/** The longest path that visits each state at most once, from StartAt. */
const longestPath = (def: Definition): { seconds: number; path: string[] } => {
  let best = { seconds: 0, path: [] as string[] };
  const walk = (name: string, seen: Set<string>, seconds: number, path: string[]) => {
    const state = def.States[name] as State;
    const total = seconds + worstSeconds(state);
    const here = [...path, name];
    if (total > best.seconds) best = { seconds: total, path: here };
    for (const next of edges(state)) if (!seen.has(next)) walk(next, new Set([...seen, next]), total, here);
  };
  walk(def.StartAt, new Set([def.StartAt]), 0, []);
  return best;
};

/** Whether the graph without the `removed` states and the skipped Catch edges still has a cycle. */
const hasCycle = (
  def: Definition,
  removed: Set<string>,
  skip: (errors: string[]) => boolean,
): string[] | undefined => {
  const states = Object.keys(def.States).filter((n) => !removed.has(n));
  const colour = new Map<string, 'grey' | 'black'>();
  const visit = (n: string, stack: string[]): string[] | undefined => {
    colour.set(n, 'grey');
    for (const next of edges(def.States[n] as State, skip)) {
      if (removed.has(next)) continue;
      if (colour.get(next) === 'grey') return [...stack, n, next];
      if (!colour.has(next)) {
        const found = visit(next, [...stack, n]);
        if (found) return found;
      }
    }
    colour.set(n, 'black');
    return undefined;
  };
  for (const n of states)
    if (!colour.has(n)) {
      const found = visit(n, []);
      if (found) return found;
    }
  return undefined;
};

describe.each(workflowKeys)('workflow %s: waits within one execution', (key) => {
  const def = () => definitionOf(key);

  it('waits as long as functions/services/workflow/waits.ts budgets, and budgets every wait', () => {
    const declared = Object.fromEntries(
      allStates(def())
        .filter(([, s]) => isWait(s))
        .map(([name, s]) => [name, s.TimeoutSeconds]),
    );
    expect(declared).toEqual(waitTimeouts[key]);
  });

  it('fits its longest path (each state once) in one execution', () => {
    const { seconds, path } = longestPath(def());
    expect(seconds, path.join(' → ')).toBeLessThanOrEqual(USABLE);
  });

  it('bounds every loop back into a wait: a wait that starts only when it fits, or a moment check', () => {
    const guarded = new Set(
      allStates(def())
        .filter(
          ([, s]) =>
            isWait(s) && (s.Catch ?? []).some((c) => c.ErrorEquals.includes('WaitOutlivesExecution')),
        )
        .map(([name]) => name),
    );
    const momentCheck = (errors: string[]) =>
      errors.every((e) => e === 'DeadlineNotReached' || e === 'StandstillNotOver');
    expect(hasCycle(def(), guarded, momentCheck)).toBeUndefined();
  });
});

describe('the tender lifecycle from its announcement', () => {
  it('fits the tender period, evaluation, award decision and standstill in one execution', () => {
    const w = waitTimeouts.tenderLifecycle;
    // The deadline is at most MAX_BID_PERIOD_DAYS after the announcement; its wait times out a day later.
    expect(w.AwaitBidDeadline).toBe((MAX_BID_PERIOD_DAYS + 1) * DAY);
    const path = w.AwaitBidDeadline + w.AwaitEvaluation + w.AwaitAwardDecision + w.AwaitStandstillEnd;
    expect(path / DAY).toBe(342);
    expect(path).toBeLessThanOrEqual(USABLE);
  });
});
