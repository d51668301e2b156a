/** Reading the workflows as deployed: the ASL files of the manifest and the task modules they call. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as z from 'zod/mini';
import type { WorkflowKey } from '../../functions/contracts/environment.ts';
import { functions, workflows } from '../../functions/manifest.ts';

export type State = Record<string, unknown> & {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  ItemProcessor?: Definition;
  Iterator?: Definition;
};
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  JitterStrategy?: string;
}
export interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

export const workflowKeys = Object.keys(workflows) as WorkflowKey[];

export const definitionOf = (key: WorkflowKey): Definition =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../..', workflows[key].file), 'utf8'));

/** Every state of a definition, nested ones (Map item processors) included. */
export const allStates = (def: Definition): [string, State][] =>
  Object.entries(def.States).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...[state.ItemProcessor, state.Iterator].flatMap((nested) => (nested ? allStates(nested) : [])),
  ]);

export const isWait = (state: State): boolean =>
  state.Type === 'Task' && (state.Resource ?? '').endsWith('.waitForTaskToken');

/** The task module behind a `${Substitution}` of a workflow: what it parses and what it throws. */
export interface TaskModule {
  taskInputSchema: z.ZodMiniDiscriminatedUnion;
  TASK_ERRORS: readonly string[];
  /** Tasks no state of the current definition calls, kept for executions started under an earlier one. */
  RETIRED_TASKS?: readonly string[];
}

export const taskModuleFor = async (key: WorkflowKey, functionName: string): Promise<TaskModule> => {
  const substitution = /^\$\{(\w+)\}$/.exec(functionName)?.[1];
  const fn = substitution
    ? (workflows[key].tasks as Record<string, keyof typeof functions>)[substitution]
    : undefined;
  if (!fn) throw new Error(`${functionName} is not a task substitution of ${key}`);
  return (await import(resolve(import.meta.dirname, '../..', functions[fn].entry))) as TaskModule;
};

/** The task modules a workflow calls, by the substitution that names them. */
export const taskModulesOf = async (key: WorkflowKey): Promise<Map<string, TaskModule>> => {
  const modules = new Map<string, TaskModule>();
  for (const substitution of Object.keys(workflows[key].tasks))
    modules.set(`\${${substitution}}`, await taskModuleFor(key, `\${${substitution}}`));
  return modules;
};

/** The options of a task input schema: the task's name and the payload keys it takes. */
export const taskShapes = (schema: TaskModule['taskInputSchema']) =>
  (
    schema._zod.def.options as unknown as {
      _zod: { def: { shape: Record<string, { _zod: { def: { values?: unknown[] }; optin?: string } }> } };
    }[]
  ).map((option) => {
    const shape = option._zod.def.shape;
    const task = String(shape.task?._zod.def.values?.[0]);
    const keys = Object.keys(shape);
    const required = keys.filter((k) => shape[k]?._zod.optin !== 'optional');
    return { task, keys, required };
  });
