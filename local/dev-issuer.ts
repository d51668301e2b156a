/**
 * The local stand-in for Cognito: signs ID tokens with the claims Cognito would put in them, with
 * a key kept under the data folder so `npm run token` (another process) and the server agree.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type Role, roles } from '../functions/domain/actors.ts';
import { entities, entityById } from '../functions/domain/reference-data.ts';

export const ISSUER = 'https://helsekjop.local/dev-issuer';
export const AUDIENCE = 'helsekjop-local';

export interface TokenRequest {
  role: Role;
  entity?: string;
  supplier?: string;
  sub?: string;
  name?: string;
  email?: string;
  hours?: number;
}

type Key = Awaited<ReturnType<typeof importJWK>>;

export class DevIssuer {
  private constructor(
    private readonly privateKey: Key,
    private readonly publicKey: Key,
  ) {}

  /** Key from `<dir>/key.json`, created on first use; in memory when `dir` is undefined. */
  static async open(dir?: string): Promise<DevIssuer> {
    const file = dir ? join(dir, 'key.json') : undefined;
    let jwks: { privateJwk: JWK; publicJwk: JWK };
    if (file && existsSync(file)) {
      jwks = JSON.parse(readFileSync(file, 'utf8'));
    } else {
      const pair = await generateKeyPair('ES256', { extractable: true });
      jwks = { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
      if (file && dir) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, JSON.stringify(jwks), { mode: 0o600 });
      }
    }
    return new DevIssuer(await importJWK(jwks.privateJwk, 'ES256'), await importJWK(jwks.publicJwk, 'ES256'));
  }

  async mint(request: TokenRequest): Promise<{ token: string; claims: Record<string, unknown> }> {
    const sub = request.sub ?? `${request.role}-${request.entity ?? request.supplier}`;
    const claims = {
      'cognito:groups': [request.role],
      ...(request.entity ? { 'custom:entity': request.entity } : {}),
      ...(request.supplier ? { 'custom:supplier': request.supplier } : {}),
      name: request.name ?? sub,
      email: request.email ?? `${sub}@helsekjop.local`,
      token_use: 'id',
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'dev' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(`${request.hours ?? 8}h`)
      .sign(this.privateKey);
    return { token, claims: { sub, ...claims } };
  }

  async verify(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: ISSUER, audience: AUDIENCE });
    return payload as Record<string, unknown>;
  }
}

const FIELDS = new Set<string>(['role', 'entity', 'supplier', 'sub', 'name', 'email', 'hours']);
const SUPPLIER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The claims a token carries as text, and how long each may be. */
const TEXTS = { sub: 128, name: 200, email: 254 } as const;

/**
 * Validates a token request (CLI arguments or POST /_local/token); returns what is wrong, if
 * anything. The entity must exist (reference data); whether a supplier is registered only the
 * running product knows: POST /_local/token asks it (local/http-server.ts).
 */
export const tokenRequestProblems = (r: Partial<Record<keyof TokenRequest, unknown>>): string[] => {
  const problems: string[] = [];
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return ['the request must be an object'];
  for (const key of Object.keys(r)) if (!FIELDS.has(key)) problems.push(`unknown field "${key}"`);
  if (typeof r.role !== 'string' || !(roles as readonly string[]).includes(r.role))
    problems.push(`--role must be one of ${roles.join(', ')}`);
  if (r.role === 'supplier' && (typeof r.supplier !== 'string' || !SUPPLIER_ID.test(r.supplier)))
    problems.push('a supplier needs --supplier <supplier id> (lower-case letters, digits and "-")');
  if (r.role !== 'supplier' && typeof r.entity !== 'string')
    problems.push(
      `officers, evaluators and auditors need --entity <entity id> (${entities.map((e) => e.id).join(', ')})`,
    );
  if (r.role !== 'supplier' && typeof r.entity === 'string' && !entityById(r.entity))
    problems.push(`there is no procuring entity "${r.entity}" (${entities.map((e) => e.id).join(', ')})`);
  if (r.role === 'supplier' && r.entity !== undefined)
    problems.push('a supplier belongs to a supplier organisation, not to an --entity');
  for (const [field, max] of Object.entries(TEXTS)) {
    const value = r[field as keyof typeof TEXTS];
    if (value !== undefined && (typeof value !== 'string' || value.length < 1 || value.length > max))
      problems.push(`--${field} must be text of 1 to ${max} characters`);
  }
  if (r.hours !== undefined && !(typeof r.hours === 'number' && r.hours > 0 && r.hours <= 24 * 30))
    problems.push('--hours must be a number above 0 and at most 720');
  return problems;
};
