/**
 * The one HTTP client for the product's API: the end-to-end tests (through test/support/local-stack.ts)
 * and the demo (scripts/demo/) both call the product with it, so what they send and how they read
 * the answers cannot drift apart. It speaks to the HTTP API only, the local-only routes included
 * (`/_local/token`, `/_local/clock`), so it works against `npm start` and the tests' local stack
 * alike. No vitest here: the demo runs outside the test runner.
 */
import type { TokenRequest } from '../../local/dev-issuer.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: callers read JSON answers freely
  body: any;
}

export interface ApiClient {
  readonly baseUrl: string;
  /** One request; a body that is a string is sent as it is, anything else as JSON. */
  call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** A bearer token from the local development issuer (POST /_local/token). */
  token(request: TokenRequest): Promise<string>;
  /** The product's clock (GET /_local/clock). */
  now(): Promise<Date>;
  /** Moves the product's clock forward, firing what comes due (POST /_local/clock/advance). */
  advanceClock(
    by: { to: Date | string } | { days?: number; hours?: number; minutes?: number },
  ): Promise<Date>;
}

/** An answer with another status than the caller expected: says what, both statuses and the body. */
export class UnexpectedStatus extends Error {
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly answer: Answer,
  ) {
    super(`✗ ${what}: expected ${expected}, got ${answer.status}\n${JSON.stringify(answer.body, null, 2)}`);
    this.name = 'UnexpectedStatus';
  }
}

/** The answer's body if its status is `status`; an UnexpectedStatus otherwise. */
// biome-ignore lint/suspicious/noExplicitAny: callers read JSON answers freely
export const expectStatus = (answer: Answer, status: number, what: string): any => {
  if (answer.status !== status) throw new UnexpectedStatus(what, status, answer);
  return answer.body;
};

export interface ClientOptions {
  /**
   * Send a request again, after the Retry-After it names, while the product answers 503 (a
   * dependency failed for a moment: nothing was half-written), at most this many times. As a
   * well-behaved client does; off by default, so that tests see every 503.
   */
  retryUnavailable?: number;
}

export const apiClient = (baseUrl: string, options: ClientOptions = {}): ApiClient => {
  const base = baseUrl.replace(/\/$/, '');
  const once: ApiClient['call'] = async (method, path, token, body, headers = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
  };
  const call: ApiClient['call'] = async (...args) => {
    for (let attempt = 0; ; attempt++) {
      const answer = await once(...args);
      if (answer.status !== 503 || attempt >= (options.retryUnavailable ?? 0)) return answer;
      const seconds = Number(answer.headers['retry-after'] ?? 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
    }
  };
  return {
    baseUrl: base,
    call,
    token: async (request) =>
      expectStatus(await call('POST', '/_local/token', undefined, request), 200, `token for ${request.role}`)
        .token,
    now: async () => new Date(expectStatus(await call('GET', '/_local/clock'), 200, 'local clock').now),
    advanceClock: async (by) => {
      const input = 'to' in by ? { to: new Date(by.to).toISOString() } : by;
      const moved = expectStatus(
        await call('POST', '/_local/clock/advance', undefined, input),
        200,
        'advance the local clock',
      );
      return new Date(moved.now);
    },
  };
};
