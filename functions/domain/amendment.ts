/**
 * Amendments of a published annual performance agreement: a volume raised or lowered during the
 * year, proposed by one side and confirmed by the other. Pure.
 */
import type { ModificationReason } from './eforms/legal-basis.ts';
import { MAX_VOLUME } from './limits.ts';
import { type Amendment, currentVolumes, type PerformanceYear } from './performance.ts';
import { refuseNotFound, refuseRule, refuseState } from './refusal.ts';

type By = { sub: string; name: string };

/**
 * A proposed amendment of a published year, or why not (its state, its unit, a volume below zero
 * or above the largest volume of a year, MAX_VOLUME).
 */
export const proposeAmendment = (
  year: Pick<PerformanceYear, 'agreementId' | 'year' | 'status' | 'lines'>,
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[],
  command: { unit: string; delta: number; reason: string; legalBasis?: ModificationReason | undefined },
  context: { id: string; by: By; at: string },
): Omit<Amendment, 'version'> => {
  if (year.status !== 'published')
    throw refuseState(
      `The ${year.year} performance agreement is ${year.status}; amendments change a published year`,
    );
  const current = currentVolumes(year, amendments)[command.unit];
  if (!current)
    throw refuseRule(`The ${year.year} performance agreement has no volume in "${command.unit}"`, [
      { pointer: '#/unit', detail: `Units: ${year.lines.map((l) => l.unit).join(', ')}` },
    ]);
  if (current.current + command.delta < 0)
    throw refuseRule(`The volume cannot go below zero (it is ${current.current})`, [
      { pointer: '#/delta', detail: `At least ${-current.current}` },
    ]);
  if (current.current + command.delta > MAX_VOLUME)
    throw refuseRule(`The volume cannot go above ${MAX_VOLUME} in a year (it is ${current.current})`, [
      { pointer: '#/delta', detail: `At most ${MAX_VOLUME - current.current}` },
    ]);
  return {
    id: context.id,
    agreementId: year.agreementId,
    year: year.year,
    unit: command.unit,
    delta: command.delta,
    reason: command.reason,
    ...(command.legalBasis ? { legalBasis: command.legalBasis } : {}),
    status: 'proposed',
    raisedBy: context.by,
    raisedAt: context.at,
  };
};

/** The amendment named, among the year's. */
export const findAmendment = <A extends Pick<Amendment, 'id'>>(amendments: A[], id: string): A => {
  const found = amendments.find((a) => a.id === id);
  if (!found) throw refuseNotFound('Amendment', id);
  return found;
};

/** A proposed amendment confirmed, with the unit's volume it makes current. */
export const confirmAmendment = <A extends Amendment>(
  before: A,
  year: Pick<PerformanceYear, 'lines'>,
  amendments: Amendment[],
  context: { by: By; at: string },
): { after: A; currentVolume: number } => {
  if (before.status !== 'proposed') throw refuseState(`Amendment ${before.id} is already ${before.status}`);
  const after = { ...before, status: 'confirmed' as const, confirmedBy: context.by, confirmedAt: context.at };
  const volumes = currentVolumes(
    year,
    amendments.map((a) => (a.id === after.id ? after : a)),
  );
  return { after, currentVolume: volumes[after.unit]?.current ?? 0 };
};
