/**
 * The local stand-in for Cognito: signs ID tokens with the claims Cognito would put in them, with
 * a key kept under the data folder so `npm run token` (another process) and the server agree.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type Role, roles } from '../functions/domain/actors.ts';

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

/** Validates a token request (CLI arguments or POST /_local/token); returns what is wrong, if anything. */
export const tokenRequestProblems = (r: Partial<Record<keyof TokenRequest, unknown>>): string[] => {
  const problems: string[] = [];
  if (typeof r.role !== 'string' || !(roles as readonly string[]).includes(r.role))
    problems.push(`--role must be one of ${roles.join(', ')}`);
  if (r.role === 'supplier' && typeof r.supplier !== 'string')
    problems.push('a supplier needs --supplier <supplier id>');
  if (r.role !== 'supplier' && typeof r.entity !== 'string')
    problems.push(
      'officers, evaluators and auditors need --entity <entity id> (helse-sor-ost, helse-vest, region-sjaelland)',
    );
  if (r.role === 'supplier' && r.entity !== undefined)
    problems.push('a supplier belongs to a supplier organisation, not to an --entity');
  if (r.hours !== undefined && !(Number(r.hours) > 0 && Number(r.hours) <= 24 * 30))
    problems.push('--hours must be between 0 and 720');
  return problems;
};
