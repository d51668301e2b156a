import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Domain, handler, contract and unit tests: no local runtime, no synth (`npm run test:fast`). */
const fast = ['test/unit/**/*.test.ts', 'test/handlers/**/*.test.ts', 'test/contracts/**/*.test.ts'];
/** Tests that start the local runtime: they share one DynamoDB Local per run (test/global-setup.ts). */
const local = [
  'test/e2e/**/*.test.ts',
  'test/workflows/**/*.test.ts',
  'test/parity/**/*.test.ts',
  'test/conformance/**/*.test.ts',
  'test/local/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The end-to-end files wait on their local runtime about as much as they compute: two side by
    // side even on two cores (vitest would run one at a time there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['test/setup.ts'],
    projects: [
      { test: { name: 'fast', include: fast } },
      { test: { name: 'local', include: local, globalSetup: ['test/global-setup.ts'] } },
      // Everything else: today the CDK stack tests (synth).
      {
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...fast, ...local],
        },
      },
    ],
  },
});
