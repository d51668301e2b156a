/**
 * Parity with AWS: what each function may do is described once (functions/manifest.ts →
 * functions/access.ts), and the local runtime holds every function to it as IAM and Lambda do.
 *
 * - Each function is granted exactly the AWS actions its code can call (its entry bundled as the
 *   stack bundles it, tree-shaken): no grant unused, no call ungranted.
 * - The stack gives each function exactly the environment the description gives it, and so does
 *   the local runtime.
 * - Locally, a call outside a function's grants is refused with AccessDeniedException, and a
 *   variable a function reads but is not given fails, as on AWS.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentOf, evaluate, type Resources, statementsOf } from '../../functions/access.ts';
import { type FunctionAccess, type FunctionKey, functions } from '../../functions/manifest.ts';
import { HelsekjopStack } from '../../lib/helsekjop-stack.ts';
import { projectRoot } from '../../local/functions.ts';
import { localResources } from '../../local/runtime.ts';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { sdkCallsOf } from '../support/sdk-calls.ts';
import { actorsOf, SUPPLIERS, TenderFlow } from '../support/tender-flow.ts';

const keys = Object.keys(functions) as FunctionKey[];
const accessOf = (key: FunctionKey): FunctionAccess => functions[key].access;
const resources = localResources('info');

/** Actions a grant needs besides the calls themselves: AWS checks them on the function's behalf. */
const implied = (action: string): string[] => {
  if (action === 'scheduler:CreateSchedule' || action === 'scheduler:UpdateSchedule') return ['iam:PassRole'];
  if (action === 'sns:Publish') return ['kms:Decrypt', 'kms:GenerateDataKey*'];
  return [];
};

describe('grants and code', () => {
  it.each(keys)('%s is granted exactly the actions its code can call', async (key) => {
    const { actions: called, unknown } = await sdkCallsOf(functions[key].entry);
    expect(unknown, 'SDK commands this test does not know how to map to IAM actions').toEqual([]);
    const granted = new Set(
      statementsOf(accessOf(key), resources)
        .filter((s) => s.effect === 'Allow')
        .flatMap((s) => s.actions),
    );
    const needed = new Set([...called].flatMap((a) => [a, ...implied(a)]));
    expect([...needed].filter((a) => !granted.has(a)).sort(), 'called but not granted').toEqual([]);
    expect([...granted].filter((a) => !needed.has(a)).sort(), 'granted but never called').toEqual([]);
  });

  it('never grants a Scan, and no function may update or delete an audit event', () => {
    for (const key of keys) {
      const statements = statementsOf(accessOf(key), resources);
      expect(statements.flatMap((s) => s.actions)).not.toContain('dynamodb:Scan');
      for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
        expect(
          evaluate(statements, { action, resource: resources.tableArn, leadingKeys: ['AUDIT#tender#t1'] })
            .allowed,
        ).toBe(false);
    }
  });
});

describe('environment', () => {
  it('gives each Lambda function in the stack exactly the variables of the description', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new HelsekjopStack(app, 'Helsekjop', {
      projectRoot,
      env: { account: '123456789012', region: 'eu-north-1' },
    });
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, never> }>;
    };
    const byName = new Map<string, string[]>();
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const name = (r.Properties.FunctionName as string | undefined) ?? '';
      const variables = (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      byName.set(name, Object.keys(variables ?? {}).sort());
    }
    for (const key of keys) {
      expect(byName.get(`Helsekjop-${key}`), key).toEqual(
        Object.keys(environmentOf(key, accessOf(key), resources as Resources)).sort(),
      );
    }
  });

  it('gives a function only what its access needs: no bus, no bus name', () => {
    const env = environmentOf('referenceApi', accessOf('referenceApi'), resources);
    expect(env.EVENT_BUS_NAME).toBeUndefined();
    expect(env.SCHEDULE_GROUP).toBeUndefined();
    expect(env.TABLE_NAME).toBe(resources.tableName);
    expect(Object.keys(environmentOf('docsApi', accessOf('docsApi'), resources)).sort()).toEqual([
      'LOG_LEVEL',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
  });
});

describe('the local runtime enforces them', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  const registerAgreement = async (s: TestStack) => {
    const officer = await s.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    return s.request('POST', '/agreements', {
      token: officer,
      body: {
        title: 'Helse og arbeid: arbeidsrettet rehabilitering, dagopphold',
        supplierId: 'falck-norge-as',
        serviceAreaId: 'helse-og-arbeid',
        lot: { id: 'day-oslo', title: 'Dagopphold – Oslo', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
        startDate: '2023-01-01',
        endDate: '2026-12-31',
        options: [{ durationMonths: 12 }],
        optionNoticeDays: 30,
        prices: [{ unit: 'konsultasjoner', unitPrice: 1300 }],
        volumes: [{ unit: 'konsultasjoner', quantity: 2500 }],
        deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
      },
    });
  };

  it('refuses a call the function is not granted, with AccessDeniedException, and lets it through when granted', async () => {
    // The policy lost its schedule statement (the environment is as before): the reminders of a new
    // agreement cannot be scheduled, exactly as on AWS before this was fixed.
    stack = await startTestStack({ grantOverrides: { agreementsApi: { schedules: [] } } });
    const refused = await registerAgreement(stack);
    expect(refused.status).toBe(201); // the agreement is kept; the daily sweep covers its reminders
    expect(stack.runtime.access.denied).toContainEqual(
      expect.objectContaining({
        caller: 'agreementsApi',
        request: expect.objectContaining({ action: 'scheduler:CreateSchedule' }),
      }),
    );
    expect(stack.runtime.scheduler.list().filter((s) => s.Name.startsWith(refused.body.id))).toEqual([]);
    await stack.stop();

    stack = await startTestStack();
    const granted = await registerAgreement(stack);
    expect(granted.status).toBe(201);
    expect(stack.runtime.access.denied).toEqual([]);
    expect(stack.runtime.scheduler.list().some((s) => s.Name.startsWith(granted.body.id))).toBe(true);
    expect(stack.runtime.access.used.get('agreementsApi')).toContain(
      `scheduler:CreateSchedule arn:aws:scheduler:eu-north-1:000000000000:schedule/helsekjop/${granted.body.id}-expiry`,
    );
  });

  it('refuses DynamoDB calls outside the grant before they reach the table', async () => {
    // The reference API may not write: registering a supplier is refused by the DynamoDB gate.
    stack = await startTestStack({ grantOverrides: { referenceApi: { table: ['GetItem', 'Query'] } } });
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    const r = await stack.request('POST', '/reference/suppliers', {
      token: officer,
      body: { name: 'Ny Klinikk AS', organisationNumber: '923609016', country: 'NO' },
    });
    expect(r.status).toBe(500);
    expect(stack.runtime.access.denied).toContainEqual(
      expect.objectContaining({
        caller: 'referenceApi',
        request: expect.objectContaining({ action: 'dynamodb:PutItem' }),
      }),
    );
    const listed = await stack.request('GET', '/reference/suppliers?limit=100', { token: officer });
    expect(listed.body.items.map((s: { name: string }) => s.name)).not.toContain('Ny Klinikk AS');
  });

  it('fails a function that reads a variable it is not given, as Lambda would', async () => {
    // A manifest without the bus for the outbox relay: neither the grant nor EVENT_BUS_NAME, so no
    // event reaches the bus (no call is even made); the changes are stored, their events stay in
    // the outbox, pending, for the relay's next attempt or the daily sweep.
    stack = await startTestStack({ accessOverrides: { outboxRelay: { bus: false } } });
    const flow = await TenderFlow.announce(stack, await actorsOf(stack));
    const bid = await flow.bid(SUPPLIERS[0] as string, 'innlandet', colonoscopyBid('innlandet', 2500));
    expect(bid.status).toBe(201);
    const [relay] = stack.runtime.streams;
    await eventually(
      () => relay?.invocations ?? 0,
      (n) => n >= 2,
    );
    expect(relay?.delivered).toBe(0);
    expect(stack.runtime.bus.published).toEqual([]);
    expect(stack.runtime.access.denied).toEqual([]);
  });
});
