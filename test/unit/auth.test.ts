import { describe, expect, it } from 'vitest';
import { roles } from '../../functions/domain/actors.ts';
import { authorize, policy, principalFromClaims } from '../../functions/http/auth.ts';
import { Problem } from '../../functions/http/errors.ts';

const officer = principalFromClaims({
  sub: 'u1',
  'cognito:groups': ['officer'],
  'custom:entity': 'helse-sor-ost',
});

const statusOf = (fn: () => void): number => {
  try {
    fn();
    return 200;
  } catch (error) {
    if (error instanceof Problem) return error.status;
    throw error;
  }
};

describe('principalFromClaims', () => {
  it('reads the role from Cognito groups as an array (local) or as API Gateway passes it', () => {
    expect(
      principalFromClaims({ sub: 'a', 'cognito:groups': '[auditor]', 'custom:entity': 'helse-vest' }),
    ).toEqual({
      sub: 'a',
      name: 'a',
      role: 'auditor',
      entityId: 'helse-vest',
    });
    expect(officer.role).toBe('officer');
  });

  it('requires exactly one known role, and a tenant that fits it', () => {
    expect(statusOf(() => principalFromClaims(undefined))).toBe(401);
    expect(
      statusOf(() => principalFromClaims({ sub: 'a', 'cognito:groups': ['admin'], 'custom:entity': 'x' })),
    ).toBe(403);
    expect(
      statusOf(() =>
        principalFromClaims({ sub: 'a', 'cognito:groups': ['officer', 'auditor'], 'custom:entity': 'x' }),
      ),
    ).toBe(403);
    expect(
      statusOf(() => principalFromClaims({ sub: 'a', 'cognito:groups': ['supplier'], 'custom:entity': 'x' })),
    ).toBe(403);
    expect(statusOf(() => principalFromClaims({ sub: 'a', 'cognito:groups': ['officer'] }))).toBe(403);
    const supplier = principalFromClaims({
      sub: 's',
      'cognito:groups': ['supplier'],
      'custom:supplier': 'aleris-hamlet',
    });
    expect(supplier).toMatchObject({ role: 'supplier', supplierId: 'aleris-hamlet' });
    expect(supplier.entityId).toBeUndefined();
  });
});

describe('the token kind', () => {
  it('answers 401 to a Cognito access token, which passes the authorizer but names no tenant', () => {
    const claims = { sub: 'a', 'cognito:groups': ['officer'], client_id: 'web' };
    expect(statusOf(() => principalFromClaims({ ...claims, token_use: 'access' }))).toBe(401);
    expect(principalFromClaims({ ...claims, token_use: 'id', 'custom:entity': 'helse-vest' }).entityId).toBe(
      'helse-vest',
    );
  });
});

describe('authorize', () => {
  const draft = { kind: 'Tender', id: 't1', entityId: 'helse-sor-ost', public: false };
  const foreignDraft = { ...draft, entityId: 'helse-vest' };
  const foreignAnnounced = { ...foreignDraft, public: true };

  it('lets officers change their own entity only: foreign drafts are invisible, foreign announced ones forbidden', () => {
    expect(statusOf(() => authorize(officer, 'tender:update', draft))).toBe(200);
    expect(statusOf(() => authorize(officer, 'tender:update', foreignDraft))).toBe(404);
    expect(statusOf(() => authorize(officer, 'tender:update', foreignAnnounced))).toBe(403);
    expect(statusOf(() => authorize(officer, 'tender:read', foreignAnnounced))).toBe(200);
    expect(statusOf(() => authorize(officer, 'tender:read', foreignDraft))).toBe(404);
  });

  it('never lets an auditor change anything', () => {
    const auditor = principalFromClaims({
      sub: 'a',
      'cognito:groups': ['auditor'],
      'custom:entity': 'helse-sor-ost',
    });
    const writes = Object.keys(policy).filter((a) => !/:(read|list)$/.test(a));
    expect(writes.length).toBeGreaterThan(0);
    for (const action of writes) {
      expect(policy[action as keyof typeof policy].roles).not.toContain('auditor');
      expect(statusOf(() => authorize(auditor, action as keyof typeof policy, draft))).toBe(403);
    }
  });

  it('gives every action at least one role and only known roles', () => {
    for (const rule of Object.values(policy)) {
      expect(rule.roles.length).toBeGreaterThan(0);
      for (const role of rule.roles) expect(roles).toContain(role);
    }
  });
});
