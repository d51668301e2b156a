/**
 * Step Functions, locally: the ASL files of the manifest executed by aws-local-stepfunctions, with
 * Task states bound to the same handler modules, task tokens, executions and their history in the
 * shape of GetExecutionHistory, persisted so that a restart resumes what was running.
 *
 * Two adaptations, in memory only (the file on disk is the one the stack deploys):
 * - `${Substitution}`s become local function ARNs.
 * - The engine enforces a Task's TimeoutSeconds with a real setTimeout, which (a) runs on real time,
 *   not the advanceable local clock, and (b) fires at once for anything above Node's timer limit of
 *   2^31-1 ms (~24.8 days) with a TimeoutOverflowWarning. So for `.waitForTaskToken` tasks the engine
 *   copy gets the largest safe timeout and the declared TimeoutSeconds is enforced on the local clock,
 *   failing the task with States.Timeout as AWS does. HeartbeatSeconds is not emulated.
 *
 * Executions are kept in a snapshot and an append-only journal (local/execution-journal.ts): each
 * change is one line appended before the call that made it answers, not a rewrite of every history.
 * The engine survives any task failure: a task that fails before its token is handed out disarms
 * the token's timeout, and no promise of a task is left to reject unheard. `activeExecutions()`
 * says how many executions are doing something (not only waiting for a task token): the local
 * clock waits for them after each timer it fires.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';

type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  type: string;
  state: { name: string; type: string; input: unknown; output?: unknown };
};

import { workflows } from '../functions/manifest.ts';
import { log } from '../functions/shared/log.ts';
import type { LocalClock } from './clock.ts';
import { ExecutionJournal } from './execution-journal.ts';
import {
  ACCOUNT,
  functionKeyFromArn,
  type Invoke,
  localFunctionArn,
  projectRoot,
  REGION,
} from './functions.ts';
import type { JsonFile } from './persist.ts';

const MAX_SAFE_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const TOKEN_SENTINEL = '__LOCAL_TASK_TOKEN__';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

export class AwsError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = name;
  }
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  history: HistoryEvent[];
}

export interface SfnState {
  executions: ExecutionRecord[];
}

interface Waiter {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

type State = Record<string, unknown> & { Type: string; Resource?: string; TimeoutSeconds?: number };
type Definition = { States: Record<string, State>; StartAt: string };

export const stateMachineArnOf = (key: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:helsekjop-${key}`;
const executionArnOf = (key: string, name: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:helsekjop-${key}:${name}`;

const flush = () => new Promise<void>((r) => setImmediate(r));

const taskError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

const forEachState = (def: Definition, visit: (name: string, state: State) => void): void => {
  for (const [name, state] of Object.entries(def.States)) {
    visit(name, state);
    for (const nested of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
      if (nested && typeof nested === 'object') forEachState(nested as Definition, visit);
    }
  }
};

const replaceSentinel = (value: unknown, token: string): unknown => {
  if (value === TOKEN_SENTINEL) return token;
  if (Array.isArray(value)) return value.map((v) => replaceSentinel(v, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSentinel(v, token)]));
  }
  return value;
};

interface LoadedWorkflow {
  key: string;
  arn: string;
  engineDefinition: Definition;
  states: Map<string, State>;
  /** The engine for this definition, made on first run and shared by its executions. */
  machine?: StateMachine;
}

export const loadWorkflow = (
  key: string,
  file: string,
  substitutions: Record<string, string>,
): LoadedWorkflow => {
  let text = readFileSync(resolve(projectRoot, file), 'utf8');
  for (const [name, value] of Object.entries(substitutions)) text = text.replaceAll(`\${${name}}`, value);
  const declared = JSON.parse(text) as Definition;
  const engineDefinition = JSON.parse(text) as Definition;
  const states = new Map<string, State>();
  forEachState(declared, (name, state) => states.set(name, state));
  forEachState(engineDefinition, (_name, state) => {
    if (state.Type !== 'Task') return;
    const waits = state.Resource?.endsWith('.waitForTaskToken');
    if (waits || (state.TimeoutSeconds ?? 0) > MAX_SAFE_TIMEOUT_SECONDS)
      state.TimeoutSeconds = MAX_SAFE_TIMEOUT_SECONDS;
    delete state.HeartbeatSeconds;
  });
  return { key, arn: stateMachineArnOf(key), engineDefinition, states };
};

export class LocalStepFunctions {
  private readonly workflows = new Map<string, LoadedWorkflow>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborters = new Map<string, () => void>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly done = new Map<string, Promise<void>>();
  /** Per execution: tasks in progress, and tasks waiting for their token (the execution idles). */
  private readonly tasksRunning = new Map<string, number>();
  private readonly tokensWaiting = new Map<string, number>();
  private readonly journal: ExecutionJournal;
  private stopped = false;

  constructor(
    private readonly clock: LocalClock,
    store: JsonFile<SfnState>,
    private readonly invokeFunction: Invoke,
    extraWorkflows: Record<string, { file: string; tasks: Record<string, string> }> = {},
  ) {
    for (const [key, spec] of Object.entries({ ...workflows, ...extraWorkflows })) {
      const subs = Object.fromEntries(Object.entries(spec.tasks).map(([s, fn]) => [s, localFunctionArn(fn)]));
      const wf = loadWorkflow(key, spec.file, subs);
      this.workflows.set(wf.arn, wf);
    }
    this.journal = new ExecutionJournal(store.path, () => this.executions.values());
    for (const e of this.journal.load()) this.executions.set(e.executionArn, e);
  }

  /** Executions that are doing something: running a task, retrying, between states; not only waiting. */
  activeExecutions(): number {
    let active = 0;
    for (const arn of this.aborters.keys())
      if (!(this.count(this.tokensWaiting, arn) > 0 && this.count(this.tasksRunning, arn) === 0)) active++;
    return active;
  }

  private count(counts: Map<string, number>, arn: string): number {
    return counts.get(arn) ?? 0;
  }

  private adjust(counts: Map<string, number>, arn: string, delta: number): void {
    const n = this.count(counts, arn) + delta;
    if (n) counts.set(arn, n);
    else counts.delete(arn);
  }

  /** Starts again, under the same ARN, every execution that was running when the runtime stopped. */
  resume(): number {
    let resumed = 0;
    for (const e of this.executions.values()) {
      if (e.status !== 'RUNNING' || this.aborters.has(e.executionArn)) continue;
      e.redriveCount += 1;
      this.journal.record(e);
      this.addEvent(e, 'ExecutionRedriven', {
        executionRedrivenEventDetails: { redriveCount: e.redriveCount },
      });
      this.run(e);
      resumed++;
    }
    return resumed;
  }

  /**
   * RedriveExecution: a failed, timed-out or aborted execution runs again under its ARN. AWS resumes
   * at the state that failed; the local engine cannot enter a definition mid-way, so it starts the
   * execution again from its first state, as a restart does: the workflows route on what DynamoDB
   * holds (LoadTender → RouteByStage, LoadYear → RouteByStage), so finished steps are not repeated.
   */
  redriveExecution(executionArn: string) {
    const e = this.mustGet(executionArn);
    if (e.status === 'RUNNING' || e.status === 'SUCCEEDED')
      throw new AwsError(
        'ExecutionNotRedrivable',
        `Execution ${executionArn} is ${e.status}: only FAILED, TIMED_OUT or ABORTED executions can be redriven`,
      );
    e.status = 'RUNNING';
    delete e.stopDate;
    delete e.error;
    delete e.cause;
    e.redriveCount += 1;
    this.journal.record(e);
    this.addEvent(e, 'ExecutionRedriven', {
      executionRedrivenEventDetails: { redriveCount: e.redriveCount },
    });
    this.run(e);
    return { redriveDate: this.clock.now().getTime() / 1000 };
  }

  /**
   * Aborts what runs (it resumes at the next start) and writes the snapshot; nothing this instance
   * still hears from a task afterwards is recorded: the executions belong to the next start.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const abort of this.aborters.values()) abort();
    this.aborters.clear();
    for (const token of this.waiters.keys()) this.clock.clear(`token:${token}`);
    this.waiters.clear();
    this.journal.close();
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: string }) {
    const wf = this.workflows.get(input.stateMachineArn);
    if (!wf)
      throw new AwsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${input.stateMachineArn}'`,
      );
    const name = input.name ?? randomUUID();
    const arn = executionArnOf(wf.key, name);
    const json = input.input ?? '{}';
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.input === json && existing.status === 'RUNNING')
        return { executionArn: arn, startDate: existing.startDate / 1000 };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    try {
      JSON.parse(json);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: wf.arn,
      name,
      input: json,
      status: 'RUNNING',
      startDate: this.clock.now().getTime(),
      redriveCount: 0,
      history: [],
    };
    this.executions.set(arn, record);
    this.journal.record(record);
    this.addEvent(record, 'ExecutionStarted', {
      executionStartedEventDetails: {
        input: json,
        inputDetails: { truncated: false },
        roleArn: `arn:aws:iam::${ACCOUNT}:role/local`,
      },
    });
    this.run(record);
    return { executionArn: arn, startDate: record.startDate / 1000 };
  }

  describeExecution(executionArn: string) {
    const e = this.mustGet(executionArn);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate / 1000,
      ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
      input: e.input,
      ...(e.output !== undefined ? { output: e.output } : {}),
      ...(e.error ? { error: e.error, cause: e.cause } : {}),
      redriveCount: e.redriveCount,
    };
  }

  listStateMachines() {
    return {
      stateMachines: [...this.workflows.values()].map((wf) => ({
        stateMachineArn: wf.arn,
        name: `helsekjop-${wf.key}`,
        type: 'STANDARD',
        creationDate: 0,
      })),
    };
  }

  listExecutions(stateMachineArn: string, statusFilter?: string) {
    return {
      executions: [...this.executions.values()]
        .filter((e) => e.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter))
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: e.startDate / 1000,
        })),
    };
  }

  getExecutionHistory(input: {
    executionArn: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
  }) {
    const e = this.mustGet(input.executionArn);
    const events = input.reverseOrder ? [...e.history].reverse() : e.history;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults && input.maxResults > 0 ? input.maxResults : 1000;
    const page = events.slice(start, start + size).map((ev) => ({ ...ev, timestamp: ev.timestamp / 1000 }));
    return { events: page, ...(start + size < events.length ? { nextToken: String(start + size) } : {}) };
  }

  stopExecution(executionArn: string, error?: string, cause?: string) {
    const e = this.mustGet(executionArn);
    if (e.status === 'RUNNING') {
      this.aborters.get(executionArn)?.();
      this.finish(e, 'ABORTED', { executionAbortedEventDetails: { error, cause } }, { error, cause });
    }
    return { stopDate: (e.stopDate ?? Date.now()) / 1000 };
  }

  sendTaskSuccess(taskToken: string, output: string) {
    const waiter = this.takeWaiter(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid output: not JSON');
    }
    waiter.resolve(parsed);
    return {};
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string) {
    this.takeWaiter(taskToken).reject(taskError(error ?? 'States.TaskFailed', cause ?? ''));
    return {};
  }

  sendTaskHeartbeat(taskToken: string) {
    if (!this.waiters.has(taskToken)) throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    return {};
  }

  /** The state machine a task token was issued by (what IAM checks a task response against). */
  stateMachineOfTask(taskToken: string): string | undefined {
    const waiter = this.waiters.get(taskToken);
    return waiter ? this.executions.get(waiter.executionArn)?.stateMachineArn : undefined;
  }

  /** Resolves when the execution has stopped (tests). */
  async settled(executionArn: string): Promise<ExecutionRecord> {
    await this.done.get(executionArn);
    return this.mustGet(executionArn);
  }

  private mustGet(executionArn: string): ExecutionRecord {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return e;
  }

  private takeWaiter(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter) {
      if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new AwsError('InvalidToken', 'Invalid Token');
      throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    }
    this.waiters.delete(token);
    this.clock.clear(`token:${token}`);
    return waiter;
  }

  private addEvent(e: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    if (this.stopped) return;
    const id = e.history.length + 1;
    const event = { id, previousEventId: id - 1, timestamp: this.clock.now().getTime(), type, ...details };
    e.history.push(event);
    this.journal.event(e.executionArn, event);
  }

  private finish(
    e: ExecutionRecord,
    status: ExecutionRecord['status'],
    details: Record<string, unknown>,
    fields: Partial<ExecutionRecord>,
  ): void {
    if (e.status !== 'RUNNING' || this.stopped) return;
    Object.assign(e, fields, { status, stopDate: this.clock.now().getTime() });
    this.journal.record(e);
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      TIMED_OUT: 'ExecutionTimedOut',
      ABORTED: 'ExecutionAborted',
      RUNNING: '',
    }[status];
    this.addEvent(e, type, details);
    this.aborters.delete(e.executionArn);
    this.tasksRunning.delete(e.executionArn);
    this.tokensWaiting.delete(e.executionArn);
    for (const [token, w] of this.waiters)
      if (w.executionArn === e.executionArn) {
        this.waiters.delete(token);
        this.clock.clear(`token:${token}`);
      }
  }

  private taskHandlers(e: ExecutionRecord, wf: LoadedWorkflow) {
    const handlers: Record<string, (input: never) => Promise<unknown>> = {};
    for (const [name, state] of wf.states) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (params: never) =>
        this.runTask(e, name, state, params as Record<string, unknown>);
    }
    return handlers;
  }

  private async runTask(
    e: ExecutionRecord,
    name: string,
    state: State,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const arn = e.executionArn;
    this.adjust(this.tasksRunning, arn, 1);
    try {
      return await this.runTaskOnce(e, name, state, params);
    } finally {
      this.adjust(this.tasksRunning, arn, -1);
    }
  }

  private async runTaskOnce(
    e: ExecutionRecord,
    name: string,
    state: State,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const resource = state.Resource ?? '';
    // Engine events arrive through an async generator: let it record this state's Entered first.
    await flush();
    this.addEvent(e, 'TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: resource.split(':::')[1] ?? resource,
        region: REGION,
        parameters: JSON.stringify(params),
      },
    });
    this.addEvent(e, 'TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource } });
    const functionName = String(params.FunctionName ?? '');
    const fail = (error: Error): never => {
      this.addEvent(e, error.name === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed', {
        [error.name === 'States.Timeout' ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: {
          resourceType: 'lambda',
          resource,
          error: error.name,
          cause: error.message,
        },
      });
      throw error;
    };
    try {
      if (resource === LAMBDA_INVOKE) {
        const payload = await this.invokeFunction(functionKeyFromArn(functionName), params.Payload ?? {});
        const output = { ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 };
        this.addEvent(e, 'TaskSucceeded', {
          taskSucceededEventDetails: { resourceType: 'lambda', resource, output: JSON.stringify(output) },
        });
        return output;
      }
      if (resource === LAMBDA_INVOKE_WAIT) {
        const arn = e.executionArn;
        const token = randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
        // The execution idles while its task waits for the token (parked), and is at work again the
        // moment the token is answered: the local clock waits for what an answer sets going.
        let parked = false;
        let answered = false;
        const wake = () => {
          answered = true;
          if (!parked) return;
          parked = false;
          this.adjust(this.tokensWaiting, arn, -1);
          this.adjust(this.tasksRunning, arn, 1);
        };
        const result = new Promise<unknown>((resolveTask, rejectTask) => {
          this.waiters.set(token, {
            executionArn: arn,
            resolve: (output) => {
              wake();
              resolveTask(output);
            },
            reject: (error) => {
              wake();
              rejectTask(error);
            },
          });
        });
        // Whatever happens to the task below, a late answer or timeout of this token is never unheard.
        result.catch(() => {});
        const timeoutSeconds = state.TimeoutSeconds ?? 60;
        this.clock.set(`token:${token}`, this.clock.now().getTime() + timeoutSeconds * 1000, () => {
          const waiter = this.waiters.get(token);
          if (!waiter) return;
          this.waiters.delete(token);
          waiter.reject(
            taskError('States.Timeout', `The task ${name} did not answer within ${timeoutSeconds} s`),
          );
        });
        try {
          await this.invokeFunction(
            functionKeyFromArn(functionName),
            replaceSentinel(params.Payload ?? {}, token),
          );
        } catch (error) {
          // The task failed before its token was handed out: no one will answer it, and its timeout
          // must not fire later for a step the engine has left (retried or caught).
          this.waiters.delete(token);
          this.clock.clear(`token:${token}`);
          throw error;
        }
        this.addEvent(e, 'TaskSubmitted', {
          taskSubmittedEventDetails: { resourceType: 'lambda', resource, output: '{}' },
        });
        if (!answered) {
          parked = true;
          this.adjust(this.tasksRunning, arn, -1);
          this.adjust(this.tokensWaiting, arn, 1);
        }
        let output: unknown;
        try {
          output = await result;
        } finally {
          if (parked) wake();
        }
        this.addEvent(e, 'TaskSucceeded', {
          taskSucceededEventDetails: { resourceType: 'lambda', resource, output: JSON.stringify(output) },
        });
        return output;
      }
      throw taskError('States.Runtime', `The local runtime does not support the resource ${resource}`);
    } catch (error) {
      return fail(error instanceof Error ? error : taskError('Error', String(error)));
    }
  }

  private run(e: ExecutionRecord): void {
    const wf = this.workflows.get(e.stateMachineArn);
    if (!wf) return;
    // One engine per workflow, validated once: building it validates the whole definition, which was
    // half the local runtime's CPU when every execution built its own.
    wf.machine ??= new StateMachine(wf.engineDefinition as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    const execution = wf.machine.run(JSON.parse(e.input), {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(e, wf) as never },
      context: {
        Execution: { Id: e.executionArn, Name: e.name, RoleArn: `arn:aws:iam::${ACCOUNT}:role/local` },
        StateMachine: { Id: wf.arn, Name: `helsekjop-${wf.key}` },
        Task: { Token: TOKEN_SENTINEL },
      },
    });
    this.aborters.set(e.executionArn, execution.abort);
    void (async () => {
      for await (const ev of execution.eventLogs) this.onEngineEvent(e, ev);
    })().catch((error) =>
      log.error('local execution history failed', { executionArn: e.executionArn, error }),
    );
    const settled = execution.result.then(
      async (output) => {
        await flush();
        this.finish(
          e,
          'SUCCEEDED',
          { executionSucceededEventDetails: { output: JSON.stringify(output) } },
          { output: JSON.stringify(output) },
        );
      },
      async (error: Error & { cause?: { name?: string; message?: string } }) => {
        await flush();
        const name =
          error.name === 'ExecutionTimeoutError' ? 'States.Timeout' : (error.cause?.name ?? error.name);
        const cause = error.cause?.message ?? error.message;
        if (error.name === 'ExecutionAbortedError') return;
        // As loud as the failed-executions alarm on AWS: a failed execution needs someone to look.
        log.error('workflow execution failed', { executionArn: e.executionArn, error: name, cause });
        this.finish(
          e,
          error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED',
          { executionFailedEventDetails: { error: name, cause } },
          { error: name, cause },
        );
      },
    );
    // Recording the end must not bring the runtime down either (an unhandled rejection would).
    this.done.set(
      e.executionArn,
      settled.catch((error) =>
        log.error('local execution could not record its end', { executionArn: e.executionArn, error }),
      ),
    );
  }

  private onEngineEvent(e: ExecutionRecord, ev: EventLog): void {
    if (ev.type !== 'StateEntered' && ev.type !== 'StateExited') return;
    const details =
      ev.type === 'StateEntered'
        ? { stateEnteredEventDetails: { name: ev.state.name, input: JSON.stringify(ev.state.input) } }
        : {
            stateExitedEventDetails: { name: ev.state.name, output: JSON.stringify(ev.state.output ?? null) },
          };
    this.addEvent(e, `${ev.state.type}State${ev.type === 'StateEntered' ? 'Entered' : 'Exited'}`, details);
  }
}
