/**
 * Expiry and renewal reminders end to end against the local stack: planned with the agreement,
 * delivered by their schedules or by the daily sweep, exactly once, escalated, answered by the
 * renewal decision; agreements expiring by themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let officer: string;
let auditor: string;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'aud' });
});
afterAll(() => stack?.stop());

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const now = () => stack.runtime.clock.now().getTime();

const register = async (overrides: Record<string, unknown> = {}) => {
  const r = await stack.request('POST', '/agreements', {
    token: officer,
    body: {
      title: 'Helse og arbeid: arbeidsrettet rehabilitering, dagopphold',
      supplierId: 'falck-norge-as',
      serviceAreaId: 'helse-og-arbeid',
      lot: {
        id: 'day-oslo',
        title: 'Dagopphold – Sykehusområde Oslo',
        hospitalAreaIds: ['oslo'],
        formOfCare: 'day',
      },
      startDate: '2023-01-01',
      endDate: '2026-12-31',
      options: [{ durationMonths: 12 }, { durationMonths: 12 }],
      optionNoticeDays: 30,
      prices: [{ unit: 'konsultasjoner', unitPrice: 1300 }],
      volumes: [{ unit: 'konsultasjoner', quantity: 2500 }],
      deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
      ...overrides,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; version: number };
};

type Reminder = {
  key: string;
  kind: string;
  status: string;
  dueAt: string;
  escalated?: boolean;
  leadMonths: number;
};
const reminders = async (id: string): Promise<Reminder[]> =>
  (await stack.request('GET', `/agreements/${id}/reminders`, { token: officer })).body.items;
const inboxFor = async (id: string, token = officer) =>
  (await stack.request('GET', '/notifications?limit=100', { token })).body.items.filter(
    (n: { agreementId: string }) => n.agreementId === id,
  );
const events = (type: string, id: string) =>
  stack.runtime.bus.published.filter(
    (e) => e['detail-type'] === type && (e.detail as { agreementId: string }).agreementId === id,
  );
const schedulesOf = (id: string) =>
  stack.runtime.scheduler.list('helsekjop').filter((s) => s.Name.startsWith(id));

describe('reminders', () => {
  it('shows the due reminders of an agreement ending soon as soon as it is registered, the latest of each kind only', async () => {
    const a = await register();
    const planned = await reminders(a.id);
    // Today (late November 2026): 12, 6 and 3 months before 31 December are past; only the latest is sent.
    expect(planned.map((r) => `${r.kind}/${r.leadMonths}/${r.status}`)).toEqual([
      'expiry/3/pending', // due 30 September
      'option/1/pending', // due 1 November: a month before the option's last day, 1 December
      'expiry/1/pending', // due 30 November
    ]);
    await stack.advanceClockTo(new Date(now() + 2 * 60_000));
    // The option's reminder is a month before its deadline with no decision: it escalates too.
    const inbox = await eventually(
      () => inboxFor(a.id),
      (items) => items.length === 3,
    );
    expect(inbox.map((n: { title: string; audience: string }) => [n.audience, n.title])).toEqual(
      expect.arrayContaining([
        ['officers', expect.stringContaining('ends 2026-12-31')],
        ['officers', expect.stringMatching(/^ESCALATION: .*option decided by 2026-12-01/)],
        ['manager', expect.stringMatching(/^ESCALATION: .*option decided by 2026-12-01/)],
      ]),
    );
    await stack.runtime.eventsIdle();
    expect(events('Agreement.ExpiryApproaching', a.id)).toHaveLength(1);
    expect(events('Agreement.OptionDeadlineApproaching', a.id)).toHaveLength(1);
    // Read: the inbox keeps it, unread ones first.
    const first = inbox[0] as { id: string };
    expect((await stack.request('POST', `/notifications/${first.id}/read`, { token: officer })).status).toBe(
      200,
    );
    const after = await inboxFor(a.id);
    expect(after.map((n: { read: boolean }) => n.read)).toEqual([false, false, true]);
    expect(after.at(-1).id).toBe(first.id);
    // Auditors read the inbox too.
    expect((await inboxFor(a.id, auditor)).length).toBe(3);
  });

  it('delivers exactly once when the schedule fires twice at once and again later', async () => {
    const a = await register({
      lot: { id: 'day-2', title: 'Dagopphold 2', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
    });
    const [r] = (await reminders(a.id)).filter((x) => x.kind === 'expiry');
    const fire = () =>
      stack.runtime.invoke('timer', { type: 'reminder.due', agreementId: a.id, key: r?.key });
    const outcomes = await Promise.all([fire(), fire(), fire()]);
    expect(outcomes.filter((o) => (o as { outcome: string }).outcome === 'delivered')).toHaveLength(1);
    await fire();
    await stack.runtime.eventsIdle();
    expect(
      (await inboxFor(a.id)).filter((n: { reminderKey: string }) => n.reminderKey === r?.key),
    ).toHaveLength(1);
    expect(events('Agreement.ExpiryApproaching', a.id)).toHaveLength(1);
  });

  it('reschedules on an option exercised as the renewal decision, and re-plans for the effective end on notice', async () => {
    const a = await register({
      lot: { id: 'day-3', title: 'Dagopphold 3', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
    });
    const decided = await stack.request('POST', `/agreements/${a.id}/decision`, {
      token: officer,
      body: { version: 1, decision: 'exercise-option', reason: 'Godt tilbud, stabil leveranse' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.agreement).toMatchObject({
      endDate: '2027-12-31',
      renewalDecision: {
        decision: 'exercise-option',
        deadline: '2026-12-31',
        reason: 'Godt tilbud, stabil leveranse',
      },
    });
    const after = await reminders(a.id);
    expect(after.filter((r) => r.key.includes('2026-12-31') && r.status === 'pending')).toEqual([]);
    expect(after.filter((r) => r.status === 'pending').map((r) => r.key)).toEqual(
      expect.arrayContaining(['expiry#2027-12-31#12m', 'expiry#2027-12-31#01m', 'option#2027-12-01#03m']),
    );
    expect(schedulesOf(a.id).length).toBe(after.filter((r) => r.status === 'pending').length + 1); // + the expiry

    const t = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: {
        version: decided.body.agreement.version,
        reason: 'Leverandøren avvikler tilbudet',
        noticeMonths: 3,
      },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    const endsOn = t.body.agreement.termination.endsOn as string;
    expect(endsOn < '2027-12-31').toBe(true);
    // The old end's reminders and the option's go; those of the effective end due after today come.
    const pending = (await reminders(a.id)).filter((r) => r.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    for (const r of pending) {
      expect(r.key.startsWith(`expiry#${endsOn}#`), r.key).toBe(true);
      expect(r.dueAt > stack.runtime.clock.now().toISOString()).toBe(true);
    }
    const names = schedulesOf(a.id).map((s) => s.Name);
    expect(names).toHaveLength(pending.length + 1);
    expect(names).toContain(`${a.id}-expiry`);
  });

  it('starts a new procurement from the decision, linked to the agreement, and stops the reminders', async () => {
    const a = await register({
      lot: { id: 'day-4', title: 'Dagopphold 4', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
    });
    const r = await stack.request('POST', `/agreements/${a.id}/decision`, {
      token: officer,
      body: { version: 1, decision: 'new-procurement', reason: 'Nytt behov, ny konkurranse' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const draft = await stack.request('GET', `/tenders/${r.body.newTenderId}`, { token: officer });
    expect(draft.body).toMatchObject({ status: 'draft', fromAgreementId: a.id });
    expect((await reminders(a.id)).filter((x) => x.status === 'pending')).toEqual([]);
  });

  it('delivers through the daily sweep a reminder whose schedule was lost', async () => {
    const endDate = day(now() + 100 * DAY);
    const a = await register({
      lot: { id: 'day-5', title: 'Dagopphold 5', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
      endDate,
      options: [],
    });
    const pending = (await reminders(a.id)).filter((r) => r.status === 'pending');
    const threeMonths = pending.find((r) => r.leadMonths === 3) as Reminder;
    for (const s of schedulesOf(a.id))
      if (!s.Name.endsWith('-expiry')) stack.runtime.scheduler.delete(s.Name, 'helsekjop');
    // Past its due time and past the next 05:00 UTC sweep.
    await stack.advanceClockTo(new Date(Date.parse(threeMonths.dueAt) + DAY));
    const delivered = await eventually(
      () => reminders(a.id),
      (rs) => rs.some((r) => r.key === threeMonths.key && r.status === 'delivered'),
    );
    expect(delivered.find((r) => r.key === threeMonths.key)).toBeDefined();
    expect((await inboxFor(a.id)).map((n: { reminderKey: string }) => n.reminderKey)).toContain(
      threeMonths.key,
    );
  });

  it('ends through the daily sweep an agreement whose expiry schedule was lost', async () => {
    const endDate = day(now() + 20 * DAY);
    const a = await register({
      lot: { id: 'day-6', title: 'Dagopphold 6', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
      endDate,
      options: [],
    });
    for (const s of schedulesOf(a.id))
      if (s.Name.endsWith('-expiry')) stack.runtime.scheduler.delete(s.Name, 'helsekjop');
    // Past the day after its end, and past the next 05:00 UTC sweep. Before, it stayed active.
    await stack.advanceClockTo(new Date(Date.parse(`${endDate}T00:00:00Z`) + 2 * DAY));
    const ended = await eventually(
      async () => (await stack.request('GET', `/agreements/${a.id}`, { token: officer })).body,
      (body) => body.status === 'expired',
    );
    expect(ended).toMatchObject({ status: 'expired', endDate });
  });

  it('escalates to the second level when no decision exists a month before, and expires the agreement by itself', async () => {
    const settings = await stack.request('PUT', '/entities/helse-sor-ost/reminder-settings', {
      token: officer,
      body: {
        expiryLeadMonths: [3, 1],
        optionLeadMonths: [1],
        escalationLeadMonths: 1,
        managerEmail: 'fagdirektor@helse-sor-ost.no',
      },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const endDate = day(now() + 70 * DAY);
    const a = await register({
      lot: { id: 'day-6', title: 'Dagopphold 6', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
      endDate,
      options: [],
    });
    expect((await reminders(a.id)).map((r) => r.leadMonths)).toEqual([3, 1]);
    const oneMonth = (await reminders(a.id)).find((r) => r.leadMonths === 1) as Reminder;
    await stack.advanceClockTo(new Date(Date.parse(oneMonth.dueAt) + 60_000));
    const escalated = await eventually(
      () => reminders(a.id),
      (rs) => rs.some((r) => r.leadMonths === 1 && r.status === 'delivered'),
    );
    expect(escalated.find((r) => r.leadMonths === 1)?.escalated).toBe(true);
    const inbox = await inboxFor(a.id);
    expect(
      inbox.filter(
        (n: { audience: string; escalation: boolean }) => n.audience === 'manager' && n.escalation,
      ),
    ).toHaveLength(1);
    await stack.runtime.eventsIdle();
    expect(
      events('Agreement.ExpiryApproaching', a.id).map(
        (e) => (e.detail as { escalation: boolean }).escalation,
      ),
    ).toContain(true);
    expect(
      stack.runtime.endpoint.sns.some(
        (m) => m.subject?.startsWith('ESCALATION') && m.attributes?.audience === 'manager',
      ),
    ).toBe(true);

    await stack.advanceClockTo(new Date(Date.parse(`${endDate}T00:00:00.000Z`) + 2 * DAY));
    const expired = await eventually(
      () => stack.request('GET', `/agreements/${a.id}`, { token: officer }),
      (r) => r.body.status === 'expired',
    );
    expect(expired.body.expiredAt).toBeDefined();
    await stack.runtime.eventsIdle();
    expect(events('Agreement.Expired', a.id)).toHaveLength(1);
    expect((await reminders(a.id)).filter((r) => r.status === 'pending')).toEqual([]);
  });
});
