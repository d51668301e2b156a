/** The product on the local stack, in memory on random ports, for end-to-end tests (one per test file). */
import type { TokenRequest } from '../../local/dev-issuer.ts';
import { type LocalRuntime, type RuntimeOptions, startLocalRuntime } from '../../local/runtime.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers freely
  body: any;
}

export interface TestStack {
  runtime: LocalRuntime;
  apiUrl: string;
  tokenFor(request: TokenRequest): Promise<string>;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>;
  advanceClockTo(to: Date): Promise<void>;
  stop(): Promise<void>;
}

export const startTestStack = async (
  options: { dataDir?: string } & Pick<RuntimeOptions, 'accessOverrides' | 'grantOverrides'> = {},
): Promise<TestStack> => {
  const { dataDir, ...access } = options;
  const runtime = await startLocalRuntime({
    ...(dataDir ? { dataDir } : { inMemory: true }),
    ...access,
    apiPort: 0,
    quiet: true,
  });
  const request: TestStack['request'] = async (method, path, { token, body, headers = {} } = {}) => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
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
  return {
    runtime,
    apiUrl: runtime.apiUrl,
    tokenFor: async (r) => (await runtime.issuer.mint(r)).token,
    request,
    advanceClockTo: async (to) => {
      await runtime.clock.advanceTo(to);
      await runtime.bus.idle();
    },
    stop: () => runtime.stop(),
  };
};
