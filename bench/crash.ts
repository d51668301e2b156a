/**
 * Kill -9 at scale: the product as a process of its own (test/support/product-process.ts), N
 * tenders announced with one bid each waiting at their bid deadline, then R kills with SIGKILL:
 * the first while all of them wait, each next one `CRASH_RESUME_MS` after the product started
 * again on the same data dir, while the N executions are resuming. Then one start that is left to
 * settle, a Ctrl-C, a last start, and the clock past the deadline: every tender must open, no
 * execution may fail.
 *
 * What it measures: per start, how long until the API answered and (for the last two) until every
 * execution waited again; executions failed in all (the operator's ListExecutions); DynamoDB Local
 * processes left on the data dir after each kill; tenders opened, and how long that took.
 *
 *   npm run bench:crash                                     # 200 tenders, 5 kills while resuming
 *   CRASH_TENDERS=50 CRASH_KILLS=2 npm run bench:crash
 *
 * test/e2e/crash.test.ts runs every kind of waiting point and a bid burst, smaller, in the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { openingDue } from '../functions/domain/opening.ts';
import { stateMachineArnOf } from '../local/stepfunctions.ts';
import { localConnection } from '../scripts/redrive.ts';
import { colonoscopyBid, colonoscopyTender, SUPPLIERS } from '../test/helpers/fixtures.ts';
import { expectStatus } from '../test/support/api-client.ts';
import {
  dynamoGone,
  type ProductProcess,
  startProduct,
  stopAllProducts,
} from '../test/support/product-process.ts';

export interface CrashSizes {
  tenders: number;
  kills: number;
  /** How long after a start answers the kill comes (the executions resuming meanwhile). */
  resumeMs: number;
  concurrency: number;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 10) / 100;

/** Executions of the tender workflow by status, as the operator lists them. */
const executionsByStatus = async (dataDir: string): Promise<Record<string, number>> => {
  const local = localConnection(dataDir);
  const sfn = new SFNClient({
    endpoint: local.awsEndpoint,
    region: local.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const counts: Record<string, number> = {};
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: stateMachineArnOf('tenderLifecycle'), nextToken }),
      );
      for (const e of page.executions ?? []) counts[e.status ?? '?'] = (counts[e.status ?? '?'] ?? 0) + 1;
      nextToken = page.nextToken;
    } while (nextToken);
    return counts;
  } finally {
    sfn.destroy();
  }
};

const pool = async <T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
};

export const crashScenario = async (sizes: CrashSizes, progress: (line: string) => void = () => {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-crash-bench-'));
  try {
    let product: ProductProcess = await startProduct({ dataDir });
    const api = () => product.client;
    const officer = await api().token({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
    const supplier = await api().token({ role: 'supplier', supplier: SUPPLIERS[0] });
    const now = (await api().now()).getTime();
    const announcing = Date.now();
    const tenders = await pool(sizes.tenders, sizes.concurrency, async () => {
      const t = expectStatus(
        await api().call('POST', '/tenders', officer, colonoscopyTender(now)),
        201,
        'create a tender',
      );
      expectStatus(
        await api().call('POST', `/tenders/${t.id}/announce`, officer, { version: 1 }),
        200,
        'announce',
      );
      expectStatus(
        await api().call(
          'PUT',
          `/tenders/${t.id}/lots/innlandet/bid`,
          supplier,
          colonoscopyBid('innlandet', 2500),
        ),
        201,
        'bid',
      );
      return t as { id: string; bidDeadline: string };
    });
    // Every execution waits at its deadline: the tenders' workflows say so.
    const waiting = async (state: string) => {
      let n = 0;
      await pool(tenders.length, 16, async (i) => {
        const w = (await api().call('GET', `/tenders/${tenders[i]?.id}/workflow`, officer)).body;
        const entered = (w.events as { type: string; stateEnteredEventDetails?: { name: string } }[]).filter(
          (e) => e.type.endsWith('StateEntered'),
        );
        if (
          entered.at(-1)?.stateEnteredEventDetails?.name === state &&
          w.events.at(-1)?.type === 'TaskSubmitted'
        )
          n++;
      });
      return n;
    };
    const allWaiting = async (state: string, timeoutMs = 300_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const n = await waiting(state);
        if (n === tenders.length) return;
        if (Date.now() > until) throw new Error(`${n} of ${tenders.length} wait in ${state}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await allWaiting('AwaitBidDeadline');
    const announceSeconds = seconds(announcing);
    progress(`${sizes.tenders} tenders announced and waiting in ${announceSeconds} s`);

    const kills: { startSeconds: number; dynamoLeft: number }[] = [];
    for (let k = 0; k < sizes.kills; k++) {
      if (k > 0) product = await startProduct({ dataDir });
      await new Promise((r) => setTimeout(r, sizes.resumeMs));
      await product.kill();
      const left = await dynamoGone(dataDir, 10_000);
      kills.push({ startSeconds: product.startSeconds, dynamoLeft: left.length });
      progress(`kill ${k + 1}: ${JSON.stringify(kills.at(-1))}`);
    }
    const settled = async (label: string) => {
      product = await startProduct({ dataDir });
      const resuming = Date.now();
      await allWaiting('AwaitBidDeadline');
      const round = {
        label,
        startSeconds: product.startSeconds,
        waitingAgainSeconds: seconds(resuming),
        executions: await executionsByStatus(dataDir),
      };
      progress(JSON.stringify(round));
      return round;
    };
    const afterKills = await settled('after the kills');
    const interrupted = await product.interrupt();
    const afterCtrlC = await settled('after Ctrl-C');
    const opening = Date.now();
    const deadline = Math.max(...tenders.map((t) => openingDue(t).getTime()));
    await api().advanceClock({ to: new Date(deadline) });
    await allWaiting('AwaitEvaluation');
    const figures = {
      sizes,
      announceSeconds,
      kills,
      afterKills,
      ctrlCStopSeconds: interrupted.seconds,
      afterCtrlC,
      opened: tenders.length,
      openSeconds: seconds(opening),
      executions: await executionsByStatus(dataDir),
    };
    await product.interrupt();
    return figures;
  } finally {
    await stopAllProducts([dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { commandLine } = await import('../local/cli.ts');
  commandLine(
    `
Usage: npm run bench:crash

Kill -9 at scale: tenders waiting at their deadline, the product killed while they resume.
Environment: CRASH_TENDERS (default 200), CRASH_KILLS (default 5), CRASH_RESUME_MS.
Figures: docs/reliability.md.
`,
    {},
  );
  const figures = await crashScenario(
    {
      tenders: Number(process.env.CRASH_TENDERS ?? 200),
      kills: Number(process.env.CRASH_KILLS ?? 5),
      resumeMs: Number(process.env.CRASH_RESUME_MS ?? 1000),
      concurrency: 8,
    },
    (line) => console.error(line),
  );
  console.log(JSON.stringify(figures, null, 2));
}
