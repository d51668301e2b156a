/**
 * How the running local product is found: `npm start` notes its endpoints and pid in
 * `<dataDir>/runtime.json`; the token command, `npm run redrive -- --local` and a second
 * `npm start` on the same data dir read it here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLineOf } from './dynamodb.ts';

export interface Connection {
  apiUrl: string;
  awsEndpoint: string;
  region: string;
  stateMachinePrefix: string;
  pid: number;
}

const fileOf = (dataDir: string) => resolve(dataDir, 'runtime.json');

export const noteConnection = (dataDir: string, connection: Connection): void => {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(fileOf(dataDir), JSON.stringify(connection));
};

export const forgetConnection = (dataDir: string): void => rmSync(fileOf(dataDir), { force: true });

/** What `npm start` noted in the data dir, whether or not it still runs. */
export const readConnection = (dataDir: string): Connection | undefined => {
  try {
    return JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as Connection;
  } catch {
    return undefined;
  }
};

/**
 * The product that runs on this data dir, if any: its note names a Node process (not this one)
 * that still runs. After a kill -9 the note stays behind, naming a process that is gone.
 */
export const runningProduct = (dataDir: string): Connection | undefined => {
  const noted = readConnection(dataDir);
  return noted &&
    typeof noted.pid === 'number' &&
    noted.pid !== process.pid &&
    commandLineOf(noted.pid)?.includes('node')
    ? noted
    : undefined;
};
