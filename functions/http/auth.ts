/**
 * Who may do what: decided here and nowhere else (who the actors are: functions/domain/actors.ts). Routes name an action; handlers call
 * `authorize` with the resource once it is loaded. Tested as a matrix of route × role × own/foreign
 * tenant in test/e2e/authorization.test.ts.
 */
import { type Principal, type Role, roles } from '../domain/actors.ts';
import { entityById } from '../domain/reference-data.ts';
import { forbidden, notFound, unauthorized } from './errors.ts';

type Scope =
  /** No resource: any principal with the role. */
  | 'none'
  /** The resource belongs to the principal's entity. Foreign: 404, or 403 if it is public. */
  | 'entity'
  /** The resource is public (announced) or belongs to the principal's entity; else 404. */
  | 'visible';

interface Rule {
  roles: readonly Role[];
  scope: Scope;
}

const everyone = roles;

export const policy = {
  'reference:read': { roles: everyone, scope: 'none' },
  /** An entity's own service areas, volume units and hospital areas: its officers (reference data is public: 403 for others). */
  'reference:manage': { roles: ['officer'], scope: 'entity' },
  'supplier:create': { roles: ['officer'], scope: 'none' },
  'supplier:update': { roles: ['officer'], scope: 'none' },
  'tender:create': { roles: ['officer'], scope: 'none' },
  'tender:list': { roles: everyone, scope: 'none' },
  'tender:read': { roles: everyone, scope: 'visible' },
  'tender:update': { roles: ['officer'], scope: 'entity' },
  'tender:announce': { roles: ['officer'], scope: 'entity' },
  'workflow:read': { roles: ['officer', 'auditor'], scope: 'entity' },
  'audit:read': { roles: ['officer', 'auditor'], scope: 'entity' },
  /** Published contracting processes (announced tenders) are open data for everyone signed in. */
  'ocds:read': { roles: everyone, scope: 'visible' },
  'agreement:decide': { roles: ['officer'], scope: 'entity' },
  'notification:list': { roles: ['officer', 'auditor'], scope: 'none' },
  'notification:markRead': { roles: ['officer'], scope: 'none' },
  'settings:read': { roles: ['officer', 'evaluator', 'auditor'], scope: 'entity' },
  'settings:update': { roles: ['officer'], scope: 'entity' },
  /** A tender's eForms notices, their state and XML: its entity's officers and auditors. */
  'notice:read': { roles: ['officer', 'auditor'], scope: 'entity' },
  /** Submitting a notice to Doffin, asking what became of it: its entity's officers. */
  'notice:submit': { roles: ['officer'], scope: 'entity' },
  'tender:change': { roles: ['officer'], scope: 'entity' },
  'tender:cancel': { roles: ['officer'], scope: 'entity' },
  'question:ask': { roles: ['supplier'], scope: 'visible' },
  'question:list': { roles: everyone, scope: 'visible' },
  'question:answer': { roles: ['officer'], scope: 'entity' },
  'bid:submit': { roles: ['supplier'], scope: 'visible' },
  'bid:readOwn': { roles: ['supplier'], scope: 'visible' },
  'bid:list': { roles: ['officer', 'evaluator', 'auditor'], scope: 'entity' },
  'bid:read': { roles: ['officer', 'evaluator', 'auditor'], scope: 'entity' },
  'bid:qualify': { roles: ['officer'], scope: 'entity' },
  'score:submit': { roles: ['evaluator'], scope: 'entity' },
  'ranking:request': { roles: ['officer'], scope: 'entity' },
  'ranking:read': { roles: ['officer', 'evaluator', 'auditor'], scope: 'entity' },
  'award:approve': { roles: ['officer'], scope: 'entity' },
  'award:revise': { roles: ['officer'], scope: 'entity' },
  /** Suppliers read the decision of tenders they bid in (checked by the handler). */
  'award:read': { roles: everyone, scope: 'visible' },
  'agreement:list': { roles: everyone, scope: 'none' },
  /** Suppliers read their own agreements only (checked by the handler). */
  'agreement:read': { roles: everyone, scope: 'none' },
  'agreement:register': { roles: ['officer'], scope: 'none' },
  'agreement:exerciseOption': { roles: ['officer'], scope: 'entity' },
  'agreement:terminate': { roles: ['officer'], scope: 'entity' },
  /** Own entity and the agreement's supplier; published years to everyone (checked by the handler). */
  'performance:read': { roles: everyone, scope: 'none' },
  'performance:start': { roles: ['officer'], scope: 'entity' },
  'performance:propose': { roles: ['officer'], scope: 'entity' },
  'performance:approve': { roles: ['officer'], scope: 'entity' },
  /** The agreement's supplier only (checked by the handler). */
  'performance:answer': { roles: ['supplier'], scope: 'none' },
  'amendment:raise': { roles: ['officer'], scope: 'entity' },
  'amendment:confirm': { roles: ['supplier'], scope: 'none' },
  'usage:report': { roles: ['officer', 'supplier'], scope: 'none' },
  /** The entity's people and the agreement's supplier (checked by the handler). */
  'usage:read': { roles: everyone, scope: 'none' },
  /** The caller's deadlines: the entity's for its people, a supplier's own and the public bid deadlines (the domain decides). */
  'deadline:list': { roles: everyone, scope: 'none' },
  /** The entity's volume, spend and utilisation: its officers and auditors. */
  'report:read': { roles: ['officer', 'auditor'], scope: 'none' },
  /** The supplier register is shared by every entity: its history is read by officers and auditors, changed by nobody. */
  'supplierHistory:read': { roles: ['officer', 'auditor'], scope: 'none' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof policy;

export interface ProtectedResource {
  kind: string;
  id: string;
  entityId: string;
  /** Visible to everyone signed in (an announced tender). */
  public: boolean;
}

export const assertRole = (principal: Principal, action: Action): void => {
  const rule: Rule = policy[action];
  if (!rule.roles.includes(principal.role)) {
    throw forbidden(`The ${principal.role} role may not ${action.replace(':', ' ')}`);
  }
};

export const authorize = (principal: Principal, action: Action, resource?: ProtectedResource): void => {
  assertRole(principal, action);
  const rule: Rule = policy[action];
  if (rule.scope === 'none' || !resource) return;
  const own = principal.entityId !== undefined && principal.entityId === resource.entityId;
  if (own) return;
  if (rule.scope === 'visible' && resource.public) return;
  if (resource.public) {
    throw forbidden(`${resource.kind} ${resource.id} belongs to another procuring entity`);
  }
  throw notFound(resource.kind, resource.id);
};

export const canSee = (principal: Principal, resource: ProtectedResource): boolean =>
  resource.public || (principal.entityId !== undefined && principal.entityId === resource.entityId);

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/** `cognito:groups` arrives as an array locally and as "[officer]" through API Gateway. */
const groupsOf = (value: Claims[string]): string[] => {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
};

export const principalFromClaims = (claims: Claims | undefined): Principal => {
  if (!claims || typeof claims.sub !== 'string') throw unauthorized('A bearer token is required');
  // The API takes Cognito ID tokens (they carry the tenant claims). An access token from the same app
  // client passes the JWT authorizer (its client_id is the audience) but names no tenant: say so.
  if (claims.token_use !== undefined && claims.token_use !== 'id')
    throw unauthorized('Send the ID token of your sign-in as the bearer token, not the access token');
  const groups = groupsOf(claims['cognito:groups']).filter((g): g is Role =>
    (roles as readonly string[]).includes(g),
  );
  const role = groups[0];
  if (!role || groups.length !== 1) {
    throw forbidden('The token must carry exactly one role (officer, evaluator, supplier or auditor)');
  }
  const entityId = typeof claims['custom:entity'] === 'string' ? claims['custom:entity'] : undefined;
  const supplierId = typeof claims['custom:supplier'] === 'string' ? claims['custom:supplier'] : undefined;
  if (role === 'supplier' ? !supplierId : !entityId) {
    throw forbidden(
      role === 'supplier'
        ? 'A supplier token must name its supplier organisation (custom:supplier)'
        : `A ${role} token must name its procuring entity (custom:entity)`,
    );
  }
  // The entities are reference data: a token naming another is refused here, before anything is
  // read or written for it. A supplier token's organisation is checked where a supplier acts
  // (suppliers live in the table: functions/handlers/api/tender-access.ts).
  if (role !== 'supplier' && !entityById(entityId as string)) {
    throw forbidden(
      `The token names the procuring entity "${entityId}", which does not exist (see GET /reference/entities)`,
    );
  }
  const name =
    (typeof claims.name === 'string' && claims.name) ||
    (typeof claims.email === 'string' && claims.email) ||
    claims.sub;
  return {
    sub: claims.sub,
    name,
    role,
    ...(role === 'supplier' ? { supplierId } : { entityId }),
  };
};
