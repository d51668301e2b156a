/**
 * Restarts with many waiting executions: N tenders are announced and wait at their bid deadline
 * (their workflow in AwaitBidDeadline, its task token handed to the scheduler), then the local
 * product is stopped and started again on the same data dir, R times. After each start every
 * execution must be waiting again, none failed; at the end the clock moves past the deadline
 * (and the minute after it when bids are opened) and every tender must open.
 *
 * What it measures: per restart, how long the stop and the start took, how long until every resumed
 * execution waited again, how many executions failed; the size of the persisted execution state;
 * at the end, how many tenders opened and how many executions failed in all.
 *
 *   npm run bench:restarts                          # 200 tenders, 5 restarts
 *   RESTART_TENDERS=50 RESTART_COUNT=2 npm run bench:restarts
 *
 * test/e2e/restarts.test.ts runs the same scenario, smaller, in the suite. The bench keeps one
 * DynamoDB Local for the whole run (as the tests do), so the start times are the runtime's own.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../local/runtime.ts';
import { colonoscopyBid, colonoscopyTender, SUPPLIERS } from '../test/helpers/fixtures.ts';

export interface RestartTarget {
  runtime: LocalRuntime;
}

export interface RestartSizes {
  tenders: number;
  restarts: number;
  /** Tenders created and announced at once. */
  concurrency?: number;
  /** How long to wait, after a start, for every execution to wait again. */
  settleTimeoutMs?: number;
}

export interface RestartRound {
  stopSeconds: number;
  startSeconds: number;
  /** From the end of start until every resumed execution waits again in its step. */
  resumeSeconds: number;
  resumed: number;
  failed: number;
}

export interface RestartFigures {
  tenders: number;
  announceSeconds: number;
  rounds: RestartRound[];
  stateBytes: number;
  /** Executions not RUNNING-and-waiting or SUCCEEDED at the end of all restarts. */
  failedInAll: number;
  opened: number;
  openSeconds: number;
  failures: { executionArn: string; status: string; error?: string; cause?: string }[];
}

const seconds = (since: number) => Math.round((Date.now() - since) / 10) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Execution = ReturnType<LocalRuntime['stepFunctions']['describeExecution']>;

/** The executions of the tender workflow, with where each waits (its last state, if a token is out). */
const executionsOf = (runtime: LocalRuntime) => {
  const sfn = runtime.stepFunctions;
  const arn = sfn.listStateMachines().stateMachines.find((m) => m.name.endsWith('tenderLifecycle'));
  if (!arn) throw new Error('no tender lifecycle workflow');
  return sfn.listExecutions(arn.stateMachineArn).executions.map((listed) => {
    const e: Execution = sfn.describeExecution(listed.executionArn);
    const events = sfn.getExecutionHistory({ executionArn: listed.executionArn, reverseOrder: true })
      .events as { type: string; stateEnteredEventDetails?: { name: string } }[];
    const last = events[0];
    const entered = events.find((ev) => ev.type.endsWith('StateEntered'))?.stateEnteredEventDetails?.name;
    return { ...e, waitingIn: last?.type === 'TaskSubmitted' ? entered : undefined };
  });
};

const until = async (what: string, done: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`not reached in ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
};

const inBatches = async <T>(count: number, concurrency: number, work: (i: number) => Promise<T>) => {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
};

export const restartScenario = async (
  start: () => Promise<RestartTarget>,
  dataDir: string,
  sizes: RestartSizes,
  progress: (line: string) => void = () => {},
): Promise<RestartFigures> => {
  const settle = sizes.settleTimeoutMs ?? 120_000;
  let target = await start();
  try {
    const mint = async (claims: Parameters<LocalRuntime['issuer']['mint']>[0]) =>
      (await target.runtime.issuer.mint(claims)).token;
    const officer = await mint({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
    const supplier = await mint({ role: 'supplier', supplier: SUPPLIERS[0] as string });
    const call = async (method: string, path: string, body: unknown, token = officer) => {
      const response = await fetch(`${target.runtime.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer as { id: string; bidDeadline: string };
    };
    const announcing = Date.now();
    const now = target.runtime.clock.now().getTime();
    const created = await inBatches(sizes.tenders, sizes.concurrency ?? 8, async () => {
      const t = await call('POST', '/tenders', colonoscopyTender(now));
      await call('POST', `/tenders/${t.id}/announce`, { version: 1 });
      // One bid each, so that every tender opens into evaluation at its deadline.
      await call('PUT', `/tenders/${t.id}/lots/innlandet/bid`, colonoscopyBid('innlandet', 2500), supplier);
      return t;
    });
    const allWaiting = (where: string) => () => {
      const all = executionsOf(target.runtime);
      return (
        all.length === sizes.tenders && all.every((e) => e.status !== 'RUNNING' || e.waitingIn === where)
      );
    };
    await until('every tender waits at its bid deadline', allWaiting('AwaitBidDeadline'), settle);
    const announceSeconds = seconds(announcing);
    progress(`${sizes.tenders} tenders announced and waiting in ${announceSeconds} s`);

    const rounds: RestartRound[] = [];
    for (let r = 0; r < sizes.restarts; r++) {
      const failedBefore = executionsOf(target.runtime).filter((e) => e.status !== 'RUNNING').length;
      const stopping = Date.now();
      await target.runtime.stop();
      const stopSeconds = seconds(stopping);
      const starting = Date.now();
      target = await start();
      const startSeconds = seconds(starting);
      const resuming = Date.now();
      await until(`restart ${r + 1}: every execution waits again`, allWaiting('AwaitBidDeadline'), settle);
      const all = executionsOf(target.runtime);
      const round = {
        stopSeconds,
        startSeconds,
        resumeSeconds: seconds(resuming),
        resumed: all.filter((e) => e.status === 'RUNNING').length,
        failed: all.filter((e) => e.status !== 'RUNNING').length - failedBefore,
      };
      rounds.push(round);
      progress(`restart ${r + 1}: ${JSON.stringify(round)}`);
    }
    const stateBytes = statSize(dataDir);
    const failedInAll = executionsOf(target.runtime).filter((e) => e.status !== 'RUNNING').length;

    const opening = Date.now();
    const deadline = Math.max(...created.map((t) => Date.parse(t.bidDeadline)));
    await target.runtime.clock.advanceTo(new Date(deadline + 61_000));
    await target.runtime.eventsIdle();
    await until('every tender has opened', allWaiting('AwaitEvaluation'), settle);
    const openSeconds = seconds(opening);
    const all = executionsOf(target.runtime);
    const figures: RestartFigures = {
      tenders: sizes.tenders,
      announceSeconds,
      rounds,
      stateBytes,
      failedInAll,
      opened: all.filter((e) => e.waitingIn === 'AwaitEvaluation').length,
      openSeconds,
      failures: all
        .filter((e) => e.status !== 'RUNNING')
        .map((e) => ({
          executionArn: e.executionArn,
          status: e.status,
          ...('error' in e ? { error: e.error, cause: e.cause } : {}),
        })),
    };
    return figures;
  } finally {
    await target.runtime.stop();
  }
};

/** Bytes of the Step Functions state under the data dir (one file or a directory of them). */
const statSize = (dataDir: string): number => {
  let total = 0;
  for (const name of ['stepfunctions.json', 'stepfunctions.log']) {
    try {
      total += statSync(join(dataDir, name)).size;
    } catch {}
  }
  return total;
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { commandLine } = await import('../local/cli.ts');
  commandLine(
    `
Usage: npm run bench:restarts

Tenders waiting at their bid deadline through repeated stops and starts of the local product.
Environment: RESTART_TENDERS (default 200), RESTART_COUNT (default 5). Figures: docs/reliability.md.
`,
    {},
  );
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { startDynamo } = await import('../local/dynamodb.ts');
  const { startLocalRuntime } = await import('../local/runtime.ts');
  process.env.LOG_LEVEL ??= 'error';
  const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-restarts-'));
  const dynamo = await startDynamo({});
  try {
    const sizes: RestartSizes = {
      tenders: Number(process.env.RESTART_TENDERS ?? 200),
      restarts: Number(process.env.RESTART_COUNT ?? 5),
      settleTimeoutMs: Number(process.env.RESTART_SETTLE_MS ?? 300_000),
    };
    const figures = await restartScenario(
      async () => ({
        runtime: await startLocalRuntime({
          dataDir,
          dynamodbEndpoint: dynamo.endpoint,
          tableName: 'helsekjop-restarts',
          apiPort: 0,
          quiet: true,
        }),
      }),
      dataDir,
      sizes,
      (line) => console.error(line),
    );
    console.log(JSON.stringify({ sizes, figures }, null, 2));
  } finally {
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
