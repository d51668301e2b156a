/**
 * The product on the local stack, in memory on random ports, for end-to-end tests (one per test file).
 * Its table lives in the run's one DynamoDB Local (test/global-setup.ts), named for this stack, or
 * for its data dir when it keeps its data: a restart on the same data dir finds its table again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import type { TokenRequest } from '../../local/dev-issuer.ts';
import { type LocalRuntime, type RuntimeOptions, startLocalRuntime } from '../../local/runtime.ts';
import { type Answer, type ApiClient, apiClient } from './api-client.ts';

export type { Answer } from './api-client.ts';

export interface TestStack {
  runtime: LocalRuntime;
  apiUrl: string;
  /** The HTTP client of the product's API (the demo's too) on this stack's URL. */
  client: ApiClient;
  tokenFor(request: TokenRequest): Promise<string>;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>;
  advanceClockTo(to: Date): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where every test stack's clock starts: the tests use fixed calendar dates (the seed agreement
 * ends 31.12.2026, its option's last day is 01.12.2026), so a suite run on the machine's date
 * would fail as those dates pass (one did, its CI run crossing midnight into a notice period that
 * ended a day later). Time runs on from here; a restart on the same data dir keeps its clock.
 */
export const TEST_START = new Date('2026-11-23T09:00:00Z');

/** A table of its own in the shared DynamoDB Local: per stack, or per data dir that outlives a stack. */
const tableNameFor = (dataDir: string | undefined): string =>
  `helsekjop-${
    dataDir
      ? createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)
      : randomUUID().replaceAll('-', '').slice(0, 16)
  }`;

export const startTestStack = async (
  options: { dataDir?: string } & Pick<
    RuntimeOptions,
    'accessOverrides' | 'grantOverrides' | 'faults' | 'startAt'
  > = {},
): Promise<TestStack> => {
  const { dataDir, startAt = TEST_START, ...access } = options;
  const dynamodbEndpoint = inject('dynamodbEndpoint') as string | undefined;
  const runtime = await startLocalRuntime({
    ...(dataDir ? { dataDir } : { inMemory: true }),
    ...(dynamodbEndpoint ? { dynamodbEndpoint, tableName: tableNameFor(dataDir) } : {}),
    ...access,
    startAt,
    apiPort: 0,
    quiet: true,
  });
  // Under the fault switch the client behaves as a well-behaved one: it repeats what answered 503.
  const client = apiClient(runtime.apiUrl, options.faults ? { retryUnavailable: 5 } : {});
  const request: TestStack['request'] = (method, path, { token, body, headers } = {}) =>
    client.call(method, path, token, body, headers);
  return {
    runtime,
    apiUrl: runtime.apiUrl,
    client,
    tokenFor: async (r) => (await runtime.issuer.mint(r)).token,
    request,
    advanceClockTo: async (to) => {
      await runtime.clock.advanceTo(to);
      await runtime.eventsIdle();
    },
    stop: () => runtime.stop(),
  };
};
