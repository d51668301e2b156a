import { resolve } from 'node:path';
import { commandLine } from './cli.ts';
import { forgetConnection, noteConnection, runningProduct } from './connection.ts';
import { REGION } from './functions.ts';
import { defaultDataDir, startLocalRuntime } from './runtime.ts';

const USAGE = `
Usage: npm start [-- options]

Starts Helsekjøp locally: DynamoDB Local, the stand-ins for Step Functions, EventBridge, Scheduler
and SNS, and the HTTP API (docs/architecture.md, "Local runtime"). Ctrl-C stops everything.

  --in-memory                  keep nothing: data, executions and the token key live in memory
  --port <n>                   the API's port (default PORT, else 3000; 0: any free port)
  --data-dir <dir>             where data is kept (default .local)
  --quiet                      no request log
  --dynamodb-endpoint <url>    keep the table in a DynamoDB (Local) that runs already
  --table-name <name>          the table's name there (default helsekjop)
  --start-at <ISO time>        the local clock's time at start, when the data dir has no clock
                               yet (or --in-memory): a demo as on a given day

Local-only routes of the API (not on AWS): GET /_local/clock, POST /_local/clock/advance
{"days": 7} (or {"to": "<ISO time>"}), POST /_local/token {"role": …}, GET /_local/events,
GET /_local/notifications (docs/operations.md, "Local-only routes").
`;

const { values } = commandLine(USAGE, {
  'in-memory': { type: 'boolean', default: false },
  port: { type: 'string', default: process.env.PORT ?? '3000' },
  'data-dir': { type: 'string', default: defaultDataDir },
  quiet: { type: 'boolean', default: false },
  'dynamodb-endpoint': { type: 'string' },
  'table-name': { type: 'string' },
  'start-at': { type: 'string' },
});

const startAt = values['start-at'] === undefined ? undefined : new Date(values['start-at']);
if (startAt && Number.isNaN(startAt.getTime())) {
  console.error(
    `--start-at: "${values['start-at']}" is not a time (e.g. 2026-11-23T09:00:00Z)\n\n${USAGE.trim()}`,
  );
  process.exit(2);
}

const started = Date.now();
// Two products on one data dir would both resume its workflows and fire its timers: refuse.
const running = values['in-memory'] ? undefined : runningProduct(values['data-dir'] ?? defaultDataDir);
if (running) {
  console.error(
    `Could not start: the product runs already on ${values['data-dir']} (pid ${running.pid}, ${running.apiUrl}): stop it first (Ctrl-C where it runs), or use another --data-dir`,
  );
  process.exit(1);
}
try {
  const runtime = await startLocalRuntime({
    inMemory: values['in-memory'],
    dataDir: values['data-dir'],
    apiPort: Number(values.port),
    quiet: values.quiet,
    ...(values['dynamodb-endpoint'] ? { dynamodbEndpoint: values['dynamodb-endpoint'] } : {}),
    ...(values['table-name'] ? { tableName: values['table-name'] } : {}),
    ...(startAt ? { startAt } : {}),
  });
  // How operator commands (npm run redrive -- --local) reach this product's stand-ins.
  const dataDir = values['data-dir'] ?? defaultDataDir;
  noteConnection(dataDir, {
    apiUrl: runtime.apiUrl,
    awsEndpoint: runtime.awsEndpoint,
    region: REGION,
    stateMachinePrefix: 'helsekjop-',
    pid: process.pid,
  });
  // The commands below find this product through the runtime.json above: in the default data dir
  // by themselves, in another one when told which.
  const dataDirOption =
    resolve(dataDir) === resolve(defaultDataDir) ? '' : `--data-dir ${values['data-dir']} `;
  console.log(`
Helsekjøp runs locally (started in ${((Date.now() - started) / 1000).toFixed(1)} s; ${values['in-memory'] ? 'in memory' : `data in ${values['data-dir']}`}).

  API           ${runtime.apiUrl}
  API docs      ${runtime.docsUrl}   (OpenAPI: ${runtime.apiUrl}/openapi.json)
  Local clock   ${runtime.clock.now().toISOString()}   (advance: POST ${runtime.apiUrl}/_local/clock/advance {"days": 7})

Get a token:    npm run token -- ${dataDirOption}--role officer --entity helse-sor-ost
Try it:         curl -H "Authorization: Bearer $(npm run -s token -- ${dataDirOption}--role officer --entity helse-sor-ost)" ${runtime.apiUrl}/tenders
The demo:       HELSEKJOP_API=${runtime.apiUrl} npm run demo
Recovery:       npm run redrive -- --local ${dataDirOption}--workflow tenderLifecycle

Ctrl-C stops everything.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await runtime.stop();
    forgetConnection(dataDir);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error(`Could not start: ${(error as Error).message}`);
  process.exit(1);
}
