/**
 * The recovery story of docs/operations.md, played locally: a deployment breaks a function's grant,
 * a tender's workflow fails at its opening and the tender is stuck with its bids sealed; the fix is
 * deployed (here: the product restarted with the manifest's grants) and the operator runs the
 * redrive command; the tender opens with every bid, nothing twice, and the audit trail verifies.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openingDue } from '../../functions/domain/opening.ts';
import { projectRoot, REGION } from '../../local/functions.ts';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, SUPPLIERS, stateNames, TenderFlow } from '../support/tender-flow.ts';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const redriveCommand = async (stack: TestStack, dataDir: string, args: string[]) => {
  // What `npm start` writes for operator commands, for this test's product.
  writeFileSync(
    join(dataDir, 'runtime.json'),
    JSON.stringify({
      awsEndpoint: stack.runtime.awsEndpoint,
      region: REGION,
      stateMachinePrefix: 'helsekjop-',
    }),
  );
  return run(
    resolve(projectRoot, 'node_modules/.bin/tsx'),
    ['scripts/redrive.ts', '--local', '--data-dir', dataDir, ...args],
    {
      cwd: projectRoot,
    },
  );
};

describe('recovery', () => {
  it('redrives a workflow that failed on a broken grant once the fix is deployed: the stuck tender opens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-recovery-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    // The broken deployment: the tender tasks lost their Query grant (as they had before the local
    // runtime enforced IAM).
    const broken = await startTestStack({
      dataDir,
      grantOverrides: { tenderWorkflow: { table: ['GetItem', 'PutItem', 'ConditionCheckItem'] } },
    });
    const flow = await TenderFlow.announce(broken, await actorsOf(broken));
    for (const [i, supplier] of SUPPLIERS.slice(0, 2).entries())
      expect((await flow.bid(supplier, 'innlandet', colonoscopyBid('innlandet', 2500 + i))).status).toBe(201);
    const t = await flow.tender();
    await broken.advanceClockTo(openingDue(t));
    const failed = await flow.finished();
    expect(failed.body.status).toBe('FAILED');
    expect(JSON.stringify(failed.body.events.at(-1))).toContain('AccessDeniedException');
    expect((await flow.tender()).status).toBe('tendering');
    await broken.stop();

    // The fixed deployment: the failed execution stays failed until an operator redrives it.
    const fixed = await startTestStack({ dataDir });
    cleanups.push(() => fixed.stop());
    const again = new TenderFlow(fixed, await actorsOf(fixed), flow.id);
    expect((await again.workflow()).body.status).toBe('FAILED');

    const listed = await redriveCommand(fixed, dataDir, ['--workflow', 'tenderLifecycle', '--dry-run']);
    expect(listed.stdout).toContain(failed.body.executionArn);
    const { stdout } = await redriveCommand(fixed, dataDir, ['--workflow', 'tenderLifecycle']);
    expect(stdout).toContain('1 of 1 execution(s) redriven');

    const resumed = await eventually(again.workflow, (r) =>
      stateNames(r.body.events)
        .slice(stateNames(r.body.events).lastIndexOf('LoadTender'))
        .includes('AwaitEvaluation'),
    );
    expect(resumed.body.status).toBe('RUNNING');
    expect(resumed.body.events.map((e: { type: string }) => e.type)).toContain('ExecutionRedriven');
    const opened = await again.tender();
    expect(opened.status).toBe('evaluation');
    expect((await again.bids()).items).toHaveLength(2);
    // The announcement was published once: the redriven run did not repeat finished steps.
    expect(stateNames(resumed.body.events).filter((n) => n === 'PublishAnnouncement')).toHaveLength(1);

    // Nothing left to redrive; the audit trail of the entity still verifies.
    const { stdout: none } = await redriveCommand(fixed, dataDir, ['--workflow', 'tenderLifecycle']);
    expect(none).toContain('0 of 0 execution(s) redriven');
    const auditor = await fixed.tokenFor({ role: 'auditor', entity: 'helse-sor-ost' });
    const verify = await fixed.request('GET', '/audit/verify', { token: auditor });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
  });
});
