import { resolve } from 'node:path';
import { commandLine } from './cli.ts';
import { runningProduct } from './connection.ts';
import { DevIssuer, type TokenRequest, tokenRequestProblems } from './dev-issuer.ts';
import { defaultDataDir } from './runtime.ts';

const USAGE = `
Usage: npm run token -- --role <role> [--entity <entityId>] [--supplier <supplierId>] [options]

Prints an ID token for the local product (what Cognito gives on AWS).

  --role officer|evaluator|auditor|supplier   required
  --entity <entityId>        the entity of an officer, evaluator or auditor (e.g. helse-sor-ost)
  --supplier <supplierId>    the supplier of a supplier user (e.g. norsk-arbeidshelse-as)
  --sub <id>, --name <name>  the user's id and name (made up from the role when absent)
  --hours <n>                how long it is valid (default 8)
  --json                     print the token and its claims as JSON
  --api <url>                the running product (default: HELSEKJOP_API, else the one npm start
                             noted in the data dir)
  --data-dir <dir>           the product's data dir (default .local)

Examples:
  npm run token -- --role officer --entity helse-sor-ost
  npm run token -- --role supplier --supplier norsk-arbeidshelse-as --json
`;

const { values } = commandLine(USAGE, {
  role: { type: 'string' },
  entity: { type: 'string' },
  supplier: { type: 'string' },
  sub: { type: 'string' },
  name: { type: 'string' },
  hours: { type: 'string' },
  json: { type: 'boolean', default: false },
  api: { type: 'string' },
  'data-dir': { type: 'string', default: defaultDataDir },
});

const request = {
  role: values.role,
  ...(values.entity ? { entity: values.entity } : {}),
  ...(values.supplier ? { supplier: values.supplier } : {}),
  ...(values.sub ? { sub: values.sub } : {}),
  ...(values.name ? { name: values.name } : {}),
  ...(values.hours ? { hours: Number(values.hours) } : {}),
};
const problems = tokenRequestProblems(request);
if (problems.length) {
  console.error(`Cannot make a token: ${problems.join('; ')}.${USAGE}`);
  process.exit(2);
}

const api = values.api || process.env.HELSEKJOP_API || runningProduct(values['data-dir'])?.apiUrl;
let answer: { token: string; claims: Record<string, unknown> };
if (api) {
  let response: Response;
  try {
    response = await fetch(`${api.replace(/\/$/, '')}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    console.error(`The product does not answer at ${api}: start it with npm start (or name it with --api).`);
    process.exit(1);
  }
  const body = (await response.json()) as { token: string; claims: Record<string, unknown>; detail?: string };
  if (!response.ok) {
    console.error(`Cannot make a token: ${body.detail ?? response.status}`);
    process.exit(2);
  }
  answer = body;
} else {
  // No product runs: the key it will verify with when started on this data dir.
  answer = await (await DevIssuer.open(resolve(values['data-dir'], 'dev-issuer'))).mint(
    request as TokenRequest,
  );
}
console.log(values.json ? JSON.stringify(answer, null, 2) : answer.token);
