/**
 * Seeds the suppliers the source texts name. Runs as a CloudFormation custom resource on every
 * deploy and at every local start: creates the ones missing (with their audit event), leaves the
 * ones officers may have edited untouched.
 */

import { withObservability } from '../../adapters/observability.ts';
import { commit } from '../../adapters/store.ts';
import { AlreadyExists } from '../../adapters/store-errors.ts';
import type { SystemActor } from '../../domain/actors.ts';
import { seedSuppliers } from '../../domain/reference-data.ts';
import { getSupplier, supplierItem } from '../../services/store/suppliers.ts';
import {
  armRenegotiationRun,
  getRenegotiationCalendar,
  renegotiationStart,
  runOverdue,
} from '../../services/workflow/renegotiation-steps.ts';
import { now, nowIso, nowMs } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';

const seeder: SystemActor = { sub: 'system', name: 'seed', role: 'system' };

interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
}

export const seed = async (): Promise<number> => {
  let created = 0;
  for (const s of seedSuppliers) {
    if (await getSupplier(s.id)) continue;
    const at = nowIso();
    try {
      await commit({
        aggregate: { type: 'supplier', id: s.id },
        entityId: 'global',
        before: undefined,
        after: supplierItem({ ...s, createdAt: at, updatedAt: at }),
        actor: seeder,
        action: 'supplier.created',
        reason: 'Seeded from the source texts',
        change: s,
      });
      created++;
    } catch (error) {
      if (!(error instanceof AlreadyExists)) throw error; // created concurrently: fine
    }
  }
  return created;
};

/**
 * The yearly renegotiation timer: the next start date, this year's if it is still ahead, its
 * schedule armed and recorded in the calendar (which the daily sweep checks). A run the calendar
 * says was missed is left for the sweep to run, not skipped.
 */
export const armRenegotiations = async (): Promise<Date> => {
  const calendar = await getRenegotiationCalendar();
  if (calendar && runOverdue(calendar)) return new Date(calendar.nextRunAt);
  const year = now().getUTCFullYear();
  const thisYear = renegotiationStart(year);
  const next = thisYear.getTime() > nowMs() ? thisYear : renegotiationStart(year + 1);
  return armRenegotiationRun(next);
};

const lambdaHandler = async (event: CustomResourceEvent) => {
  if (event.RequestType === 'Delete')
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'helsekjop-seed' };
  const created = await seed();
  log.info('seeded suppliers', { created, known: seedSuppliers.length });
  await armRenegotiations();
  return { PhysicalResourceId: 'helsekjop-seed', Data: { suppliers: created } };
};

export const handler = withObservability(lambdaHandler);
