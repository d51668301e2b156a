/**
 * The project's commands as a user runs them: every one answers --help (exit 0) and refuses an
 * unknown option with its usage (exit 2); `npm run token` gives a token the running product
 * accepts whatever it was started with. Before, the token command signed with the key in .local
 * whatever the product used: against `npm start -- --in-memory` or another --data-dir, the banner's
 * own command gave a token answered 401.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../local/functions.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const run = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      resolve(projectRoot, 'node_modules/.bin/tsx'),
      args,
      {
        cwd: projectRoot,
        env: { ...process.env, HELSEKJOP_API: '', ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const commands = [
  'local/start.ts',
  'local/token.ts',
  'scripts/demo.ts',
  'scripts/redrive.ts',
  'scripts/audit-verify.ts',
  'scripts/layers.ts',
  'bench/cold-start.ts',
  'bench/bid-burst.ts',
  'bench/restarts.ts',
  'bench/crash.ts',
];

describe('every command', () => {
  it.each(commands)('%s answers --help, and refuses an unknown option with its usage', async (command) => {
    const help = await run([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm (start|run \S+)/);
    const wrong = await run([command, '--no-such-option']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--no-such-option'");
    expect(wrong.stderr).toContain('Usage:');
  });

  it('npm start refuses a --start-at that is not a time, before it starts anything', async () => {
    const wrong = await run(['local/start.ts', '--in-memory', '--start-at', 'tomorrow']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--start-at: "tomorrow" is not a time');
  });
});

describe('npm run token', () => {
  let stack: TestStack;
  const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-token-'));
  beforeAll(async () => {
    // In memory, as `npm start -- --in-memory`: its key is nowhere on disk.
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const works = async (token: string) =>
    (await fetch(`${stack.apiUrl}/tenders`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('gets a token the running product accepts: named by --api, by HELSEKJOP_API, or noted in its data dir', async () => {
    const byOption = await run([
      'local/token.ts',
      '--api',
      stack.apiUrl,
      '--role',
      'officer',
      '--entity',
      'helse-sor-ost',
    ]);
    expect(byOption.code, byOption.stderr).toBe(0);
    expect(await works(byOption.stdout.trim())).toBe(200);

    const byEnvironment = await run(['local/token.ts', '--role', 'auditor', '--entity', 'helse-sor-ost'], {
      HELSEKJOP_API: stack.apiUrl,
    });
    expect(await works(byEnvironment.stdout.trim())).toBe(200);

    // What npm start writes in its data dir (here naming this process, which runs).
    writeFileSync(join(dataDir, 'runtime.json'), JSON.stringify({ apiUrl: stack.apiUrl, pid: process.pid }));
    const byDataDir = await run([
      'local/token.ts',
      '--data-dir',
      dataDir,
      '--role',
      'officer',
      '--entity',
      'helse-vest',
    ]);
    expect(byDataDir.code, byDataDir.stderr).toBe(0);
    expect(await works(byDataDir.stdout.trim())).toBe(200);
  }, 60_000);

  it('says why it cannot make one: a supplier the product does not know, a product that does not answer', async () => {
    const unknown = await run([
      'local/token.ts',
      '--api',
      stack.apiUrl,
      '--role',
      'supplier',
      '--supplier',
      'no-such-as',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"no-such-as" is not registered');

    const gone = await run([
      'local/token.ts',
      '--api',
      'http://127.0.0.1:9',
      '--role',
      'officer',
      '--entity',
      'helse-sor-ost',
    ]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('does not answer at http://127.0.0.1:9');
  }, 60_000);
});
