/**
 * Restarts with many waiting executions (issue 11, "Restarts and long jumps"): tenders wait at their
 * bid deadline, the product is stopped and started again on the same data dir, twice; every
 * execution resumes and waits again (none failed), start stays in seconds, and after the deadline
 * every tender opens. bench/restarts.ts runs the same scenario at full scale (200 tenders, more
 * restarts: `npm run bench:restarts`, figures in docs/reliability.md). Before, resumed executions
 * shared one worker per function past the function's 30 s timeout and failed for good with
 * Sandbox.Timedout, and every workflow event rewrote the whole execution file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { restartScenario } from '../../bench/restarts.ts';
import { startTestStack } from '../support/local-stack.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-restarts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('restarts with many waiting executions', () => {
  it('fail none of them, start in seconds, and every tender opens after its deadline', async () => {
    const figures = await restartScenario(() => startTestStack({ dataDir }), dataDir, {
      tenders: 60,
      restarts: 2,
      settleTimeoutMs: 60_000,
    });
    expect(figures.failures).toEqual([]);
    expect(figures.rounds.map((r) => r.failed)).toEqual([0, 0]);
    expect(figures.rounds.map((r) => r.resumed)).toEqual([60, 60]);
    for (const round of figures.rounds) expect(round.startSeconds).toBeLessThan(10);
    expect(figures.opened).toBe(60);
  }, 180_000);
});
