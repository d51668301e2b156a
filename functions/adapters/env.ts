/**
 * Environment is read once, on first use, and fails fast when a variable is missing. The variables
 * a function is given are described once, in functions/access.ts, from its manifest access: the
 * stack sets them on the Lambda function and the local runtime on the function's own worker, so a
 * variable read but not given fails the same way on both.
 */
import type { VariableName } from '../contracts/environment.ts';

const cache = new Map<string, string>();

export const env = (name: VariableName): string => {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  cache.set(name, value);
  return value;
};

/** Only for handler tests, which set variables after modules have loaded. */
export const resetEnvCache = (): void => cache.clear();
