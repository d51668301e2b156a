/**
 * npm start [-- --in-memory] [--port 3000] [--data-dir .local]
 * Starts the whole product locally and stops everything it started on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { defaultDataDir, startLocalRuntime } from './runtime.ts';

const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'data-dir': { type: 'string', default: defaultDataDir },
    quiet: { type: 'boolean', default: false },
  },
});

const started = Date.now();
try {
  const runtime = await startLocalRuntime({
    inMemory: values['in-memory'],
    dataDir: values['data-dir'],
    apiPort: Number(values.port),
    quiet: values.quiet,
  });
  console.log(`
Helsekjøp runs locally (started in ${((Date.now() - started) / 1000).toFixed(1)} s; ${values['in-memory'] ? 'in memory' : `data in ${values['data-dir']}`}).

  API           ${runtime.apiUrl}
  API docs      ${runtime.docsUrl}   (OpenAPI: ${runtime.apiUrl}/openapi.json)
  Local clock   ${runtime.clock.now().toISOString()}   (advance: POST ${runtime.apiUrl}/_local/clock/advance {"days": 7})

Get a token:    npm run token -- --role officer --entity helse-sor-ost
Try it:         curl -H "Authorization: Bearer $(npm run -s token -- --role officer --entity helse-sor-ost)" ${runtime.apiUrl}/tenders
The demo:       npm run demo

Ctrl-C stops everything.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error(`Could not start: ${(error as Error).message}`);
  process.exit(1);
}
