/** docs/events.md lists every event schema of functions/contracts/events.ts, and nothing that does not exist. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSchemas } from '../../functions/contracts/events.ts';

/** The detail-types of the table in docs/events.md: the first cell of each row, in backticks. */
const documented = (): string[] =>
  readFileSync(resolve(import.meta.dirname, '../../docs/events.md'), 'utf8')
    .split('\n')
    .map((line) => /^\|\s*`([A-Za-z]+\.[A-Za-z]+)`\s*\|/.exec(line)?.[1])
    .filter((t): t is string => t !== undefined);

describe('docs/events.md', () => {
  it('documents every event schema once, and no event that has no schema', () => {
    const listed = documented();
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(Object.keys(eventSchemas).sort());
  });
});
