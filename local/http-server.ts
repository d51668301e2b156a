/**
 * The local API Gateway: serves the manifest's routes, verifies bearer tokens like the JWT
 * authorizer (with the dev issuer instead of Cognito), hands the handlers the same API Gateway v2
 * events they get on AWS, and adds local-only routes under /_local (clock, tokens, what the bus and
 * SNS saw, the audit signing key's public key and the signed digests for an auditor's copy, what
 * the Doffin stand-in was sent).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { entities } from '../functions/domain/reference-data.ts';
import { problemType } from '../functions/http/errors.ts';
import { type RouteBinding, routes } from '../functions/manifest.ts';
import { log } from '../functions/shared/log.ts';
import { type DevIssuer, type TokenRequest, tokenRequestProblems } from './dev-issuer.ts';
import type { Invoke } from './functions.ts';

const MAX_BODY = 1024 * 1024;

/**
 * The request line and headers together, in bytes: API Gateway's HTTP APIs take at most 10 240
 * ("total combined size of request line and header values"), so the local API does too, and says
 * so with a 431 problem.
 */
export const MAX_HEADER_BYTES = 10_240;

interface CompiledRoute extends RouteBinding {
  regex: RegExp;
  names: string[];
}

const compile = (r: RouteBinding): CompiledRoute => {
  const names: string[] = [];
  const source = r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...r, regex: new RegExp(`^${source}$`), names };
};

export interface LocalAdmin {
  now(): Date;
  advanceTo(to: Date): Promise<void>;
  events(): unknown;
  notifications(): unknown;
  /** The audit signing key's public key (PEM), from the local KMS. */
  auditPublicKey(): string;
  /** The digest bucket's current objects: their keys and each file's JSON, an auditor's copy. */
  auditDigests(): unknown;
  /** What the Doffin stand-in recorded: every submission, with what has been published by now. */
  doffinNotices?(): unknown;
}

const problem = (
  res: ServerResponse,
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: problemType(slug), title, status, detail }));
};

/**
 * What Node's HTTP parser refuses before a request exists (oversized headers, a malformed request
 * line), answered as a problem on the socket instead of Node's bare status line.
 */
const clientErrorAnswer = (error: NodeJS.ErrnoException): string => {
  const [status, reason, slug, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'request-header-fields-too-large',
          'The request headers are too large',
          `The request line and headers may take at most ${MAX_HEADER_BYTES} bytes together`,
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request-timeout', 'The request took too long', 'Send the request again']
        : [
            400,
            'Bad Request',
            'bad-request',
            'The request is not valid HTTP',
            'The request could not be parsed',
          ];
  const body = JSON.stringify({ type: problemType(slug), title, status, detail });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/problem+json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
};

/** Path parameters decoded, or the first that is not valid percent-encoding. */
const decodeParams = (
  names: string[],
  values: RegExpExecArray,
): { params: Record<string, string> } | { malformed: string } => {
  const params: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    try {
      params[name] = decodeURIComponent(values[i + 1] ?? '');
    } catch {
      return { malformed: name };
    }
  }
  return { params };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The latest instant a Date can hold (ECMAScript: 8.64e15 ms after 1970). */
const MAX_DATE_MS = 8.64e15;

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const toApiEvent = (
  req: { method: string; url: string; headers: IncomingMessage['headers']; remoteAddress?: string },
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: Record<string, unknown> | undefined,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const url = new URL(req.url, 'http://local');
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && k !== 'cookie') headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  // API Gateway tells the function the scheme the client used (https there); here it is http,
  // unless a proxy in front already said otherwise.
  headers['x-forwarded-proto'] ??= 'http';
  const contentType = headers['content-type'] ?? '';
  const textual = !contentType || /json|text|xml|x-www-form-urlencoded/.test(contentType);
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(route.names.length ? { pathParameters: pathParameters } : {}),
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: (claims ?? {}) as never, scopes: [] },
      },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** How many verified tokens the local authorizer remembers (the oldest is forgotten first). */
const VERIFIED_TOKENS = 10_000;

export class LocalHttpApi {
  private server: Server | undefined;
  private stopping = false;
  private readonly compiled = routes.map(compile);
  /** Tokens whose signature, issuer and audience were verified, with their claims. */
  private readonly verified = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly issuer: DevIssuer,
    private readonly admin: LocalAdmin,
    private readonly invokeFunction: Invoke,
    private readonly quiet = false,
  ) {}

  async start(port: number): Promise<string> {
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      const started = Date.now();
      res.on('finish', () => {
        if (!this.quiet) log.info(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
        // Stopping: a kept-alive connection ends once its answer is out, not at its idle timeout.
        if (this.stopping) setImmediate(() => server.closeIdleConnections());
      });
      this.handle(req, res).catch((error) => {
        log.error('local API failed', { error });
        if (!res.headersSent) problem(res, 500, 'internal-error', 'Internal error', 'The local API failed');
      });
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      socket.end(clientErrorAnswer(error));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new Error(`Port ${port} is in use: stop what runs there or pass --port`)
            : e,
        ),
      );
      server.listen(port, '127.0.0.1', resolve);
    });
    return `http://localhost:${(server.address() as AddressInfo).port}`;
  }

  /**
   * Stops taking requests and answers those it took before closing (what still runs after
   * `graceMs` is cut off), so that Ctrl-C in the middle of a bid burst sends every receipt of a bid
   * it stored. Before, every connection was closed at once: the bids in flight were stored and
   * their suppliers never got a receipt (test/e2e/crash.test.ts).
   */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    let timer: NodeJS.Timeout | undefined;
    this.stopping = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      timer = setTimeout(() => server.closeAllConnections(), graceMs);
    });
    clearTimeout(timer);
  }

  /**
   * The claims of a bearer token, as the JWT authorizer finds them. A token is the same string
   * only if it is the same signed token: its signature, issuer and audience are verified once
   * (an ES256 verification, a quarter of a millisecond of this process's CPU and a trip through
   * libuv's thread pool, on every request before: the largest cost of the local edge in
   * bench/overhead.ts, which API Gateway pays outside the function on AWS); what depends on the
   * time (exp, nbf) is checked again on every request, against the same clock jose reads, and a
   * token past it is verified again, which refuses it as expired.
   */
  private async claimsOf(token: string): Promise<Record<string, unknown>> {
    const known = this.verified.get(token);
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (
      known &&
      (typeof known.exp !== 'number' || known.exp > nowSeconds) &&
      (typeof known.nbf !== 'number' || known.nbf <= nowSeconds)
    )
      return known;
    this.verified.delete(token);
    const claims = await this.issuer.verify(token);
    if (this.verified.size >= VERIFIED_TOKENS) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, claims);
    return claims;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      // A request target such as "//[" is not a path the URL parser accepts.
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      return problem(
        res,
        400,
        'bad-request',
        'The request is not valid',
        'The request path cannot be parsed',
      );
    }
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (body === 'too-large')
      return problem(
        res,
        413,
        'payload-too-large',
        'The request body is too large',
        `At most ${MAX_BODY} bytes`,
      );
    if (url.pathname.startsWith('/_local/')) return this.local(method, url, body, res);

    const candidates = this.compiled
      .map((r) => ({ r, m: r.regex.exec(url.pathname) }))
      .filter((c): c is { r: CompiledRoute; m: RegExpExecArray } => c.m !== null);
    if (!candidates.length)
      return problem(res, 404, 'not-found', 'Not found', `No route for ${url.pathname}`);
    const hit = candidates.find((c) => c.r.method === method);
    if (!hit) {
      const allow = candidates.map((c) => c.r.method).join(', ');
      return problem(
        res,
        405,
        'method-not-allowed',
        'Method not allowed',
        `${url.pathname} allows ${allow}`,
        { allow },
      );
    }
    const decoded = decodeParams(hit.r.names, hit.m);
    if ('malformed' in decoded) {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: problemType('validation-error'),
          title: 'Your request is not valid',
          status: 400,
          detail: `The path parameter ${decoded.malformed} is not valid percent-encoding`,
          instance: url.pathname,
          errors: [
            {
              parameter: decoded.malformed,
              detail: 'Malformed percent-encoding (a "%" not followed by UTF-8 in hex)',
            },
          ],
        }),
      );
      return;
    }
    const params = decoded.params;

    let claims: Record<string, unknown> | undefined;
    if (hit.r.auth === 'jwt') {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      if (!token)
        return problem(
          res,
          401,
          'unauthorized',
          'Authentication required',
          'Send Authorization: Bearer <token> (npm run token)',
        );
      try {
        claims = await this.claimsOf(token);
      } catch (error) {
        const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
        return problem(
          res,
          401,
          'unauthorized',
          'Authentication required',
          expired ? 'The token has expired' : 'The token is not valid for this API',
        );
      }
    }
    const event = toApiEvent(
      { method, url: req.url ?? '/', headers: req.headers, remoteAddress: req.socket.remoteAddress },
      hit.r,
      params,
      body,
      claims,
      this.admin.now(),
    );
    const result = (await this.invokeFunction(hit.r.function, event)) as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
  }

  /**
   * Whether a supplier is registered, asked of the API itself (the supplier route of referenceApi,
   * as an auditor would): suppliers live in the table, which only the functions read.
   */
  private async supplierRegistered(supplierId: string): Promise<boolean> {
    const route = this.compiled.find(
      (r) => r.method === 'GET' && r.path === '/reference/suppliers/{supplierId}',
    );
    if (!route) throw new Error('The manifest has no route GET /reference/suppliers/{supplierId}');
    const path = `/reference/suppliers/${encodeURIComponent(supplierId)}`;
    const event = toApiEvent(
      { method: 'GET', url: path, headers: {} },
      route,
      { supplierId },
      Buffer.alloc(0),
      {
        sub: 'dev-issuer',
        'cognito:groups': ['auditor'],
        'custom:entity': entities[0]?.id,
        token_use: 'id',
      },
      this.admin.now(),
    );
    const result = (await this.invokeFunction(route.function, event)) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode === 200) return true;
    if (result.statusCode === 400 || result.statusCode === 404) return false;
    throw new Error(`Could not check supplier ${supplierId}: ${result.statusCode} ${result.body ?? ''}`);
  }

  private async local(method: string, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    let input: Record<string, unknown> = {};
    try {
      const parsed: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
      if (!isObject(parsed))
        return problem(
          res,
          400,
          'validation-error',
          'Your request is not valid',
          'The body must be a JSON object',
        );
      input = parsed;
    } catch {
      return problem(res, 400, 'validation-error', 'Your request is not valid', 'The body is not valid JSON');
    }
    const route = `${method} ${url.pathname}`;
    if (route === 'GET /_local/clock') return send(200, { now: this.admin.now().toISOString() });
    if (route === 'POST /_local/clock/advance') {
      const {
        days = 0,
        hours = 0,
        minutes = 0,
        to,
      } = input as { days?: number; hours?: number; minutes?: number; to?: string };
      const now = this.admin.now().getTime();
      const target =
        to !== undefined
          ? typeof to === 'string'
            ? Date.parse(to)
            : Number.NaN
          : [days, hours, minutes].every((n) => typeof n === 'number')
            ? now + ((days * 24 + hours) * 60 + minutes) * 60_000
            : Number.NaN;
      if (!Number.isFinite(target) || Math.abs(target) > MAX_DATE_MS)
        return problem(
          res,
          400,
          'validation-error',
          'Your request is not valid',
          'Give days, hours, minutes or an ISO date "to"',
        );
      if (target < now)
        return problem(
          res,
          422,
          'business-rule-violation',
          'The clock only moves forward',
          `${new Date(target).toISOString()} is before now`,
        );
      await this.admin.advanceTo(new Date(target));
      return send(200, { now: this.admin.now().toISOString() });
    }
    if (route === 'POST /_local/token') {
      const problems = tokenRequestProblems(input);
      if (
        !problems.length &&
        input.role === 'supplier' &&
        !(await this.supplierRegistered(String(input.supplier)))
      )
        problems.push(
          `the supplier "${String(input.supplier)}" is not registered (GET /reference/suppliers lists them; officers register new ones)`,
        );
      if (problems.length)
        return problem(res, 400, 'validation-error', 'Your request is not valid', problems.join('; '));
      return send(200, await this.issuer.mint(input as unknown as TokenRequest));
    }
    if (route === 'GET /_local/events') return send(200, this.admin.events());
    if (route === 'GET /_local/notifications') return send(200, this.admin.notifications());
    if (route === 'GET /_local/audit/public-key') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(this.admin.auditPublicKey());
      return;
    }
    if (route === 'GET /_local/audit/digests') return send(200, this.admin.auditDigests());
    if (route === 'GET /_local/doffin/notices' && this.admin.doffinNotices)
      return send(200, this.admin.doffinNotices());
    return problem(res, 404, 'not-found', 'Not found', `No local route ${route}`);
  }
}
