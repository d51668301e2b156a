/**
 * Handler overhead: what the product's HTTP path costs on top of the DynamoDB calls it makes.
 *
 * The product: the local HTTP API (local/http-server.ts: routing, the JWT check API Gateway's
 * authorizer makes on AWS, the API Gateway v2 event) → the function's worker (local/functions.ts,
 * local/function-host.ts: a message to another thread, as Lambda's invoke is a hop to a sandbox) →
 * the middy chain (functions/http/http.ts: observability, role, zod validation, problems) → the
 * handler → the store → the SDK → the local DynamoDB gate (access checks, transaction conflicts) →
 * DynamoDB Local.
 *
 * The baseline: a bare node:http server in this same process whose handler makes the same DynamoDB
 * calls (same table, same SDK client configuration as functions/adapters/clients.ts, items of the
 * same shape and size, copied from what the product stored) straight to DynamoDB Local, with no
 * middleware, no validation, no auth.
 *
 * Both servers run in this process, as the product's HTTP API does under `npm start`; the load
 * generator (autocannon) runs in a child process of its own, the same for both, so that its own work
 * does not run on either server's event loop. Runs alternate bare/product to spread the machine's
 * noise over both.
 *
 *   npm run bench:overhead
 *   OVERHEAD_RUNS=3 OVERHEAD_SECONDS=5 OVERHEAD_CONNECTIONS=8 npm run bench:overhead
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Each request gets an Idempotency-Key of its own with this prefix. */
  idempotencyPrefix?: string;
  connections: number;
  seconds: number;
}

interface LoadResult {
  /** CPU this process (the server under test) used per 2xx answer, ms; and DynamoDB Local's JVM. */
  cpuMs?: number;
  dynamoCpuMs?: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** Latencies of the 2xx answers, ms (autocannon's own histogram keeps whole ms only). */
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number)
    : Number.NaN;

/** The load generator's side: one autocannon run, answered to the parent. */
const load = async (spec: LoadSpec): Promise<LoadResult> => {
  const { default: autocannon } = await import('autocannon');
  let n = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let done: (result: import('autocannon').Result) => void = () => {};
  let failed: (error: Error) => void = () => {};
  const finished = new Promise<import('autocannon').Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.seconds,
      requests: [
        {
          method: spec.method,
          headers: spec.headers,
          ...(spec.body ? { body: spec.body } : {}),
          ...(spec.idempotencyPrefix
            ? {
                setupRequest: (req) => ({
                  ...req,
                  headers: { ...req.headers, 'idempotency-key': `${spec.idempotencyPrefix}-${n++}` },
                }),
              }
            : {}),
        },
      ],
    },
    (error, result) => (error ? failed(error) : done(result)),
  );
  instance.on('response', (_client, status, _bytes, ms) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await finished;
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    ok: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    statuses,
  };
};

if (process.env.OVERHEAD_LOAD) {
  const result = await load(JSON.parse(process.env.OVERHEAD_LOAD) as LoadSpec);
  process.send?.(result);
  process.exit(0);
}

/** CPU time (ms) DynamoDB Local's JVM has used: the java process listening on this process's DynamoDB port. */
const dynamoCpuMs = (() => {
  let pid: string | undefined;
  return (): number => {
    const port = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? 'http://x:0').port;
    try {
      pid ??= readdirSync('/proc').find((p) => {
        if (!/^\d+$/.test(p)) return false;
        try {
          const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
          return args.some((a) => a.endsWith('DynamoDBLocal.jar')) && args.includes(port);
        } catch {
          return false;
        }
      });
      if (!pid) return Number.NaN;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime and stime, in clock ticks (100 a second on Linux).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return Number.NaN;
    }
  };
})();

/** One autocannon run in a child process. */
const run = (spec: LoadSpec): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, [], {
      env: { ...process.env, OVERHEAD_LOAD: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LoadResult | undefined;
    child.on('message', (m) => {
      result = m as LoadResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the load generator exited (${code}) without a result`)),
    );
  });

const main = async () => {
  const { commandLine } = await import('../local/cli.ts');
  commandLine(
    `
Usage: npm run bench:overhead

Throughput and latency (p50, p99) of GET /tenders/{id} and POST /tenders through the local HTTP
API, against a bare node:http handler making the same DynamoDB Local calls, alternating, several
runs. Environment: OVERHEAD_RUNS (5), OVERHEAD_SECONDS (10), OVERHEAD_CONNECTIONS (8),
OVERHEAD_ONLY (read|write). Writes docs/bench/overhead.json.
`,
    {},
  );
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } = await import(
    '@aws-sdk/lib-dynamodb'
  );
  const { startLocalRuntime } = await import('../local/runtime.ts');
  const { accessKeyOf } = await import('../local/functions.ts');
  const { createTenderExample } = await import('../functions/http/examples.ts');
  const report = await import('./lib/report.ts');

  const runs = Number(process.env.OVERHEAD_RUNS ?? 5);
  const seconds = Number(process.env.OVERHEAD_SECONDS ?? 10);
  const connections = Number(process.env.OVERHEAD_CONNECTIONS ?? 8);
  const only = process.env.OVERHEAD_ONLY;

  const runtime = await startLocalRuntime({
    inMemory: true,
    apiPort: 0,
    quiet: true,
    startAt: new Date('2026-11-23T09:00:00Z'),
  });
  const bare: Server[] = [];
  try {
    const sub = 'bench-officer';
    const { token } = await runtime.issuer.mint({ role: 'officer', entity: 'helse-sor-ost', sub });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify(createTenderExample);

    // One tender created through the product: the read route reads it, and its items are the
    // templates of what the bare handler writes.
    const templateKey = `bench-template-${randomUUID()}`;
    const created = await fetch(`${runtime.apiUrl}/tenders`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': templateKey },
      body,
    });
    if (created.status !== 201) throw new Error(`POST /tenders: ${created.status} ${await created.text()}`);
    const tenderId = ((await created.json()) as { id: string }).id;

    // The same client configuration as functions/adapters/clients.ts; this process's environment
    // points it at DynamoDB Local itself (the runtime's operator settings), not at the gate.
    const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };
    const direct = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions });
    const gatePort = ((runtime.dynamoGate as unknown as { server: Server }).server.address() as AddressInfo)
      .port;
    const viaGate = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${gatePort}`,
        credentials: { accessKeyId: accessKeyOf('tendersApi'), secretAccessKey: 'local' },
      }),
      { marshallOptions },
    );
    const ddb = direct;
    const TableName = runtime.tableName;
    const get = async (PK: string, SK: string) => {
      const { Item } = await ddb.send(new GetCommand({ TableName, Key: { PK, SK } }));
      if (!Item) throw new Error(`no item ${PK} ${SK}`);
      return Item;
    };
    const templates = {
      tender: await get(`TENDER#${tenderId}`, 'TENDER'),
      audit: await get(`AUDIT#tender#${tenderId}`, 'SEQ#0000000001'),
      idempotency: await get(`IDEMPOTENCY#${sub}#${templateKey}`, 'IDEMPOTENCY'),
    };

    const readBody = (req: IncomingMessage): Promise<string> =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
      });
    const send = (res: ServerResponse, status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const keyless = (item: Record<string, unknown>) => {
      const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g1s, auditHead: _h, ...rest } = item;
      return rest;
    };
    /** The product's calls for each route, bare: the read is one GetItem; the create reads the
     * Idempotency-Key's record and the reference partition, then writes the tender, its audit event
     * and the key's record in one transaction. */
    const bareHandler = async (req: IncomingMessage, res: ServerResponse, ddb: typeof direct) => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && path.startsWith('/tenders/')) {
        const id = path.slice('/tenders/'.length);
        const { Item } = await ddb.send(
          new GetCommand({ TableName, Key: { PK: `TENDER#${id}`, SK: 'TENDER' }, ConsistentRead: true }),
        );
        return Item ? send(res, 200, keyless(Item)) : send(res, 404, {});
      }
      if (req.method === 'POST' && path === '/tenders') {
        const input = JSON.parse(await readBody(req)) as { title: string };
        const key = String(req.headers['idempotency-key']);
        const idempotencyKey = { PK: `IDEMPOTENCY#${sub}#${key}`, SK: 'IDEMPOTENCY' };
        const { Item: existing } = await ddb.send(
          new GetCommand({ TableName, Key: idempotencyKey, ConsistentRead: true }),
        );
        if (existing) return send(res, 200, existing.body);
        await ddb.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': 'REFERENCE' },
            ConsistentRead: true,
          }),
        );
        const id = `tnd_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
        const tender = { ...templates.tender, PK: `TENDER#${id}`, id, title: input.title };
        const answer = keyless(tender);
        await ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName, Item: tender, ConditionExpression: 'attribute_not_exists(PK)' } },
              {
                Put: {
                  TableName,
                  Item: { ...templates.audit, PK: `AUDIT#tender#${id}`, aggregateId: id },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName,
                  Item: { ...templates.idempotency, ...idempotencyKey, body: answer },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return send(res, 201, answer);
      }
      send(res, 404, {});
    };
    const listen = async (client: typeof direct) => {
      const server = createServer((req, res) => {
        bareHandler(req, res, client).catch((error) => {
          console.error(error);
          if (!res.headersSent) send(res, 500, {});
        });
      });
      bare.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const bareUrl = await listen(direct);
    const bareGateUrl = await listen(viaGate);

    const { tenderRoutes } = await import('../functions/http/routes/tenders.routes.ts');
    const readRoute = tenderRoutes;
    const routes = [
      {
        id: 'read',
        name: 'GET /tenders/{tenderId}',
        spec: (base: string): Omit<LoadSpec, 'seconds' | 'connections'> => ({
          url: `${base}/tenders/${tenderId}`,
          method: 'GET',
          headers: { authorization: headers.authorization },
        }),
      },
      {
        id: 'write',
        name: 'POST /tenders (a draft, its own Idempotency-Key)',
        spec: (base: string): Omit<LoadSpec, 'seconds' | 'connections'> => ({
          url: `${base}/tenders`,
          method: 'POST',
          headers,
          body,
          idempotencyPrefix: `bench-${randomUUID()}`,
        }),
      },
    ].filter((r) => !only || r.id === only);
    const allTargets = { bare: bareUrl, product: runtime.apiUrl, gate: bareGateUrl } as Record<
      string,
      string
    >;
    const names = (process.env.OVERHEAD_TARGETS ?? 'bare,product').split(',');
    const targets = Object.fromEntries(names.map((n) => [n, allTargets[n] as string]));

    // Warm both up (JIT, the function's cold start, the SDK's connections).
    for (const route of routes)
      for (const base of Object.values(targets)) await run({ ...route.spec(base), seconds: 3, connections });

    const results: Record<string, Record<string, LoadResult[]>> = {};
    for (const route of routes) results[route.id] = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const route of routes) {
        const order = i % 2 === 0 ? names : [...names].reverse();
        for (const which of order) {
          const cpu = process.cpuUsage();
          const dynamo = dynamoCpuMs();
          const result = await run({ ...route.spec(targets[which] as string), seconds, connections });
          const used = process.cpuUsage(cpu);
          result.cpuMs = (used.user + used.system) / 1000 / result.ok;
          result.dynamoCpuMs = (dynamoCpuMs() - dynamo) / result.ok;
          (results[route.id] as Record<string, LoadResult[]>)[which]?.push(result);
          console.log(
            `run ${i + 1}/${runs} ${route.id} ${which}: ${(result.ok / result.seconds).toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, CPU ${result.cpuMs.toFixed(2)} + ${result.dynamoCpuMs.toFixed(2)} ms, ${JSON.stringify(result.statuses)}${result.errors ? `, ${result.errors} errors` : ''}`,
          );
        }
      }
    }
    // Where the time of one read goes, one request at a time: each layer timed alone, in this
    // process, alternating, so that the differences say what each layer adds.
    const claims = await runtime.issuer.verify(token);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const httpGet = (base: string) =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          `${base}/tenders/${tenderId}`,
          { agent, headers: { authorization: headers.authorization } },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    const readEvent = () => ({
      version: '2.0',
      routeKey: 'GET /tenders/{tenderId}',
      rawPath: `/tenders/${tenderId}`,
      rawQueryString: '',
      headers: { authorization: headers.authorization, host: 'localhost', 'x-forwarded-proto': 'http' },
      pathParameters: { tenderId },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        http: {
          method: 'GET',
          path: `/tenders/${tenderId}`,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: '',
        },
        requestId: randomUUID(),
        routeKey: 'GET /tenders/{tenderId}',
        stage: '$default',
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
      },
    });
    const getItem = (client: typeof direct) => () =>
      client.send(
        new GetCommand({ TableName, Key: { PK: `TENDER#${tenderId}`, SK: 'TENDER' }, ConsistentRead: true }),
      );
    const layers: { id: string; name: string; call: () => Promise<unknown> }[] = [
      { id: 'sdk', name: 'GetItem with the SDK, straight to DynamoDB Local', call: getItem(direct) },
      { id: 'gate', name: 'the same GetItem through the local DynamoDB gate', call: getItem(viaGate) },
      {
        id: 'invoke',
        name: 'the function invoked in its worker (middy chain, handler, store, gate), no HTTP',
        call: async () => {
          const result = (await runtime.invoke(readRoute.function as never, readEvent())) as {
            statusCode: number;
          };
          if (result.statusCode !== 200) throw new Error(`invoke: ${result.statusCode}`);
        },
      },
      {
        id: 'bareHttp',
        name: 'the bare node:http handler (HTTP + the GetItem)',
        call: () => httpGet(bareUrl),
      },
      {
        id: 'productHttp',
        name: 'the product through its local HTTP API',
        call: () => httpGet(runtime.apiUrl),
      },
    ];
    const perLayer: Record<string, number[]> = Object.fromEntries(layers.map((l) => [l.id, []]));
    const LAYER_CALLS = Number(process.env.OVERHEAD_LAYER_CALLS ?? 300);
    for (const layer of layers) for (let i = 0; i < 50; i++) await layer.call();
    for (let round = 0; round < 5; round++) {
      for (const layer of round % 2 ? [...layers].reverse() : layers) {
        for (let i = 0; i < LAYER_CALLS / 5; i++) {
          const t = performance.now();
          await layer.call();
          perLayer[layer.id]?.push(performance.now() - t);
        }
      }
    }
    agent.destroy();
    const layerMedian = (id: string) => report.median(perLayer[id] ?? []);

    const { summarise, fmt, ratio, table, count } = report;
    const figures = routes.map((route) => {
      const r = results[route.id] as Record<string, LoadResult[]>;
      const of = (which: string, f: (x: LoadResult) => number) => summarise((r[which] ?? []).map(f));
      const rate = (x: LoadResult) => x.ok / x.seconds;
      return {
        route: route.id,
        name: route.name,
        throughput: { bare: of('bare', rate), product: of('product', rate) },
        p50: { bare: of('bare', (x) => x.p50), product: of('product', (x) => x.p50) },
        p99: { bare: of('bare', (x) => x.p99), product: of('product', (x) => x.p99) },
        cpuMs: {
          bare: of('bare', (x) => x.cpuMs ?? Number.NaN),
          product: of('product', (x) => x.cpuMs ?? Number.NaN),
        },
        dynamoCpuMs: {
          bare: of('bare', (x) => x.dynamoCpuMs ?? Number.NaN),
          product: of('product', (x) => x.dynamoCpuMs ?? Number.NaN),
        },
        failed: (['bare', 'product'] as const).reduce(
          (n, w) => n + (r[w] ?? []).reduce((m, x) => m + x.non2xx + x.errors, 0),
          0,
        ),
      };
    });
    const within = (f: (typeof figures)[number]) =>
      f.p50.product.median / f.p50.bare.median <= 1.3 && f.p99.product.median / f.p99.bare.median <= 1.3;
    const targetsMet = figures.every(within);
    const rows = figures.flatMap((f) => [
      [
        f.name,
        'throughput, answers/s',
        fmt(f.throughput.bare, 0),
        fmt(f.throughput.product, 0),
        ratio(f.throughput.product.median, f.throughput.bare.median),
      ],
      [
        f.name,
        'latency p50, ms',
        fmt(f.p50.bare, 2),
        fmt(f.p50.product, 2),
        `**${ratio(f.p50.product.median, f.p50.bare.median)}**`,
      ],
      [
        f.name,
        'latency p99, ms',
        fmt(f.p99.bare, 1),
        fmt(f.p99.product, 1),
        `**${ratio(f.p99.product.median, f.p99.bare.median)}**`,
      ],
      [
        f.name,
        'CPU of the server process per answer, ms',
        fmt(f.cpuMs.bare, 2),
        fmt(f.cpuMs.product, 2),
        ratio(f.cpuMs.product.median, f.cpuMs.bare.median),
      ],
      [
        f.name,
        "CPU of DynamoDB Local's JVM per answer, ms",
        fmt(f.dynamoCpuMs.bare, 2),
        fmt(f.dynamoCpuMs.product, 2),
        ratio(f.dynamoCpuMs.product.median, f.dynamoCpuMs.bare.median),
      ],
    ]);
    const layerRows = layers.map((l) => [l.name, layerMedian(l.id).toFixed(3)]);
    const edge = layerMedian('productHttp') - layerMedian('invoke');
    const hostAndHandler = layerMedian('invoke') - layerMedian('gate');
    const gate = layerMedian('gate') - layerMedian('sdk');
    const bareHttp = layerMedian('bareHttp') - layerMedian('sdk');
    const markdown = `
What: answers per second and latency (p50, p99) of a read route and a write route through the
product's local HTTP API (local/http-server.ts → the function's worker → the middy chain of
functions/http/http.ts → the handler → the store → the local DynamoDB gate → DynamoDB Local), against
a bare \`node:http\` handler that makes the same DynamoDB Local calls with the same SDK client
configuration (functions/adapters/clients.ts), on the same table, with items of the same shape and
size (copied from what the product stored), and nothing else: no routing, authorisation, validation,
middleware or gate. Both servers run in this process, where the product's HTTP API runs under
\`npm start\`; the load generator (autocannon, ${connections} connections) runs in a child process of its own,
the same for both, so that its work runs on neither server's event loop. ${runs} runs of ${seconds} s per
route and server after a 3 s warm-up, bare and product alternating; medians (min–max) over the runs.
Latencies are taken from autocannon's per-answer times (its histogram keeps whole milliseconds).

- read: \`GET /tenders/{tenderId}\` as the tender's officer: one consistent GetItem.
- write: \`POST /tenders\` (a draft) with an Idempotency-Key of its own per request: a GetItem of
  the key's record, a consistent Query of the reference data partition, one TransactWriteItems of
  three puts (the tender, its audit event, the key's record), each under \`attribute_not_exists(PK)\`.

${table(['route', 'figure', 'bare handler', 'product', 'product / bare'], rows)}

Target: product latency at most 1.3× the bare handler's, p50 and p99, both routes: **${targetsMet ? 'met' : 'missed'}**${
      targetsMet
        ? ''
        : ` (${figures
            .filter((f) => !within(f))
            .map((f) => f.route)
            .join(', ')})`
    }. ${figures.some((f) => f.failed) ? `Non-2xx answers or errors: ${figures.map((f) => `${f.route} ${f.failed}`).join(', ')}.` : 'Every answer was 2xx.'}

Where the time of one read goes, one request at a time (medians of ${count(LAYER_CALLS)} calls each, ms, in this process):

${table(['layer', 'median, ms'], layerRows)}

So the local DynamoDB gate adds ${gate.toFixed(2)} ms to a call, the worker hop with the middy chain and the
handler ${hostAndHandler.toFixed(2)} ms, and the local HTTP edge (routing, the JWT check, the API Gateway
event) ${edge.toFixed(2)} ms; the bare handler's HTTP adds ${bareHttp.toFixed(2)} ms to its GetItem.
`;
    report.writeSection({
      id: 'overhead',
      title: 'Handler overhead',
      order: 20,
      command: 'npm run bench:overhead',
      markdown,
      targetsMet,
      figures: {
        connections,
        runs,
        seconds,
        routes: figures,
        layers: Object.fromEntries(layers.map((l) => [l.id, layerMedian(l.id)])),
        results,
      },
    });
  } finally {
    for (const server of bare) server.close();
    await runtime.stop();
  }
  process.exit(0);
};

await main();
