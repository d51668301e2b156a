/**
 * Usage reports: what was bought under an agreement in a month, reported (or corrected) for a past
 * or the current month within the agreement's period, in the agreement's units. Pure.
 */
import type { Agreement } from './agreement.ts';
import { checkUnits } from './negotiation.ts';
import { type Amendment, type PerformanceYear, type UsageReport, utilisation } from './performance.ts';
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

/**
 * A year's usage reports read back month by month: each line valued at the year's unit price for
 * its unit (as the utilisation values it), each month's value, and the year's totals per unit.
 */
export const usageOfYear = (
  year: Pick<PerformanceYear, 'lines'>,
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[],
  reports: (Pick<UsageReport, 'month' | 'lines' | 'reportedBy' | 'reportedAt'> & { version: number })[],
) => {
  const prices = new Map(utilisation(year, amendments, reports).map((row) => [row.unit, row.unitPrice]));
  const money = (n: number) => Math.round(n * 100) / 100;
  const months = [...reports]
    .sort((a, b) => a.month - b.month)
    .map((r) => {
      const lines = r.lines.map((l) => {
        const unitPrice = prices.get(l.unit) ?? 0;
        return { unit: l.unit, quantity: l.quantity, unitPrice, value: money(l.quantity * unitPrice) };
      });
      return {
        month: r.month,
        lines,
        value: money(lines.reduce((sum, l) => sum + l.value, 0)),
        reportedBy: r.reportedBy,
        reportedAt: r.reportedAt,
        version: r.version,
      };
    });
  const units = [...new Set(months.flatMap((m) => m.lines.map((l) => l.unit)))].sort();
  const totals = units.map((unit) => {
    const lines = months.flatMap((m) => m.lines.filter((l) => l.unit === unit));
    return {
      unit,
      quantity: lines.reduce((sum, l) => sum + l.quantity, 0),
      value: money(lines.reduce((sum, l) => sum + l.value, 0)),
    };
  });
  return { months, totals };
};
