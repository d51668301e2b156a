/**
 * Environment is read once, on first use, and fails fast when a variable is missing.
 * Lambda sets these from the stack; the local runtime sets the same names.
 */
const cache = new Map<string, string>();

export const env = (name: string): string => {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  cache.set(name, value);
  return value;
};

/** Only for tests and the local runtime, which set variables after modules have loaded. */
export const resetEnvCache = (): void => cache.clear();

export const workflowArnVariable = (workflowKey: string): string =>
  `WORKFLOW_${workflowKey
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase()}_ARN`;
