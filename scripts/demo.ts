/**
 * The demo: against the running local product (npm start), through its HTTP API only.
 * Registers the Helse og arbeid agreements from the seeds and renegotiates one of them, then runs
 * the colonoscopy tender from the seed text hso-2024-kjop-fra-private.txt through its whole life:
 * one supplier in Sykehuset Innlandet's catchment area, one to two in Telemark/Vestfold's.
 * Suppliers ask and bid (one too late), the deadline passes on the local clock, bids are qualified
 * and scored, the workflow ranks the lots, the officer awards, the standstill passes and the
 * framework agreements exist; auditors verify and read it all.
 *
 *   npm start            # in one terminal
 *   npm run demo         # in another (HELSEKJOP_API=http://localhost:3000 by default)
 *
 * The steps are in scripts/demo/, on the tests' API client and fixtures; test/e2e/demo.test.ts runs
 * them against the tests' local stack. Exit code 1 on the first unexpected answer.
 */
import { commandLine } from '../local/cli.ts';
import { apiClient } from '../test/support/api-client.ts';
import { runDemo } from './demo/index.ts';

commandLine(
  `
Usage: npm run demo

Plays the seed texts' purchases through the running local product's HTTP API: the Helse og arbeid
agreements and a renegotiation, then the colonoscopy tender from announcement to agreements.
Start the product first (npm start); HELSEKJOP_API names it if it is not at http://localhost:3000.
`,
  {},
);

const client = apiClient(process.env.HELSEKJOP_API || 'http://localhost:3000');
try {
  await fetch(`${client.baseUrl}/_local/clock`);
} catch {
  console.error(`The product does not answer at ${client.baseUrl}. Start it first with: npm start`);
  process.exit(1);
}
try {
  await runDemo(client);
} catch (error) {
  // An unexpected answer or a wait that timed out says what in its message (`✗ …`); anything else
  // is a defect of the demo itself, shown with its stack.
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.startsWith('✗') || !(error instanceof Error) ? message : error.stack);
  process.exit(1);
}
