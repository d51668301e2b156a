/**
 * The demo's "what needs attention" step (scripts/demo/attention.ts) after the Helse og arbeid
 * story, against the tests' local stack: it reads through the same API client as `npm run demo`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionStep, type DemoContext, helseOgArbeid, openDemo } from '../../scripts/demo/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let ctx: DemoContext;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  ctx = await openDemo(stack.client, (line) => lines.push(line));
});
afterAll(() => stack?.stop());

describe('the demo: what needs attention', () => {
  it('shows the agreements awaiting a decision, the deadlines, the year in figures and the register history', async () => {
    const story = await helseOgArbeid(ctx);
    const { undecided, deadlines, report, register } = await attentionStep(ctx);
    expect(Array.isArray(undecided.items)).toBe(true);
    const dues = deadlines.items.map((d: { due: string }) => d.due);
    expect(dues).toEqual([...dues].sort());
    expect(register.items.length).toBeGreaterThan(0);
    expect(register.items.every((r: { aggregate: string }) => r.aggregate.startsWith('supplier '))).toBe(
      true,
    );
    if (!story.skipped) {
      // The renegotiated year is published with usage: the report values it in NOK.
      expect(report.totals).toEqual([expect.objectContaining({ currency: 'NOK' })]);
      expect(report.totals[0].spend).toBeGreaterThan(0);
    }
    expect(lines.join('\n')).toContain('GET /deadlines, soonest first');
  }, 180_000);
});
