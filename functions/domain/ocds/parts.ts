/**
 * The parts the OCDS releases of both kinds of process are made of (functions/domain/ocds/process.ts,
 * call-offs.ts): an organisation in its roles, an amount in its currency. Pure: no AWS.
 */

export type Json = Record<string, unknown>;

export const party = (id: string, name: string, roles: string[]) => ({ id, name, roles });

export const money = (amount: number, currency: string) => ({
  amount: Math.round(amount * 100) / 100,
  currency,
});
