/**
 * Who acts: the people (a principal with one role, of one procuring entity or supplier) and the
 * system (workflow steps, timers, the seed). Every state change and audit event names one of them.
 * What each role may do is the HTTP edge's policy (functions/http/auth.ts).
 */

export const roles = ['officer', 'evaluator', 'supplier', 'auditor'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  sub: string;
  name: string;
  role: Role;
  /** The procuring entity (tenant) of officers, evaluators and auditors. */
  entityId?: string;
  /** The supplier organisation of supplier users. */
  supplierId?: string;
}

/** Actors that are not people: workflow steps and timers act in the name of the system. */
export interface SystemActor {
  sub: 'system';
  name: string;
  role: 'system';
  entityId?: string;
}

export type Actor = Principal | SystemActor;
