/**
 * npm run token -- --role officer --entity helse-sor-ost [--sub id] [--name "Kari"] [--hours 8] [--json]
 * npm run token -- --role supplier --supplier norsk-arbeidshelse-as
 * Prints a token signed by the local dev issuer (the key the running local product verifies with).
 * The entity must exist; the supplier must be registered for the API to accept the token (a 403
 * problem otherwise): this command cannot check that, the product may not run; POST /_local/token
 * of the running product does.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DevIssuer, type TokenRequest, tokenRequestProblems } from './dev-issuer.ts';
import { defaultDataDir } from './runtime.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    entity: { type: 'string' },
    supplier: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    hours: { type: 'string' },
    'data-dir': { type: 'string', default: defaultDataDir },
    json: { type: 'boolean', default: false },
  },
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
  console.error(
    `Cannot make a token: ${problems.join('; ')}.\nExample: npm run token -- --role officer --entity helse-sor-ost`,
  );
  process.exit(2);
}
const issuer = await DevIssuer.open(resolve(values['data-dir'], 'dev-issuer'));
const { token, claims } = await issuer.mint(request as TokenRequest);
console.log(values.json ? JSON.stringify({ token, claims }, null, 2) : token);
