/**
 * Usage reports: what was bought under an agreement in a month, reported (or corrected) for a past
 * or the current month within the agreement's period, in the agreement's units. Pure.
 */
import type { Agreement } from './agreement.ts';
import { checkUnits } from './negotiation.ts';
import type { UsageReport } from './performance.ts';
import { refuseRule } from './refusal.ts';

/** The month as `yyyy-mm`. */
export const usageMonth = (year: number, month: number): string =>
  `${year}-${String(month).padStart(2, '0')}`;

/** A month's usage report, or the rule it breaks; `corrects` says whether it replaces an earlier one. */
export const recordUsage = (
  agreement: Pick<Agreement, 'id' | 'startDate' | 'endDate'>,
  units: Set<string>,
  command: { year: number; month: number; lines: { unit: string; quantity: number }[] },
  context: { today: string; at: string; by: UsageReport['reportedBy']; earlier?: unknown },
): { report: Omit<UsageReport, 'version'>; action: 'usage.corrected' | 'usage.reported' } => {
  const month = usageMonth(command.year, command.month);
  if (month > context.today.slice(0, 7))
    throw refuseRule(`${month} has not begun; usage is reported for past and current months`);
  if (month < agreement.startDate.slice(0, 7) || (agreement.endDate && month > agreement.endDate.slice(0, 7)))
    throw refuseRule(`${month} is outside the agreement's period`);
  checkUnits(units, command.lines, 'lines');
  // One line per unit: two would be summed by one reader and overwritten by another.
  command.lines.forEach((line, i) => {
    const first = command.lines.findIndex((l) => l.unit === line.unit);
    if (first < i)
      throw refuseRule(`"${line.unit}" is reported twice in one report: give one line per unit`, [
        { pointer: `#/lines/${i}/unit`, detail: `The same unit as #/lines/${first}/unit` },
      ]);
  });
  return {
    report: {
      agreementId: agreement.id,
      year: command.year,
      month: command.month,
      lines: command.lines,
      reportedBy: context.by,
      reportedAt: context.at,
    },
    action: context.earlier ? 'usage.corrected' : 'usage.reported',
  };
};
