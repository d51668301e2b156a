/**
 * What the demo's steps share: the API client (the tests' own, test/support/api-client.ts), the
 * people of the story and their tokens, printing, and waiting. A step never exits the process: an
 * unexpected answer throws (UnexpectedStatus), and so does a wait that times out; the CLI entry
 * (scripts/demo.ts) turns that into exit code 1, the end-to-end test (test/e2e/demo.test.ts) into
 * a failure.
 */
import type { TokenRequest } from '../../local/dev-issuer.ts';
import type { ApiClient } from '../../test/support/api-client.ts';
import { eventually } from '../../test/support/eventually.ts';

/** The people of the demo, as the local development issuer signs them. */
export const people = {
  officer: {
    role: 'officer',
    entity: 'helse-sor-ost',
    name: 'Kari Nordmann (innkjøper, Helse Sør-Øst RHF)',
  },
  foreignOfficer: { role: 'officer', entity: 'helse-vest', name: 'Per Vest (Helse Vest RHF)' },
  evaluator: { role: 'evaluator', entity: 'helse-sor-ost', name: 'Eva Evaluator' },
  auditor: { role: 'auditor', entity: 'helse-sor-ost', name: 'Revisor Riksrevisjonen' },
  'norsk-arbeidshelse-as': { role: 'supplier', supplier: 'norsk-arbeidshelse-as', name: 'Ola Leverandør' },
  'falck-norge-as': { role: 'supplier', supplier: 'falck-norge-as', name: 'Falck Norge AS' },
  'unicare-steffensrud-as': {
    role: 'supplier',
    supplier: 'unicare-steffensrud-as',
    name: 'Unicare Steffensrud AS',
  },
  'rehabiliteringssenteret-air-as': {
    role: 'supplier',
    supplier: 'rehabiliteringssenteret-air-as',
    name: 'AiR',
  },
  sjaellandOfficer: {
    role: 'officer',
    entity: 'region-sjaelland',
    name: 'Mette Jensen (indkøber, Region Sjælland)',
  },
  'aleris-hamlet': { role: 'supplier', supplier: 'aleris-hamlet', name: 'Aleris Hamlet' },
} satisfies Record<string, TokenRequest>;

export type Person = keyof typeof people;

export interface DemoContext {
  client: ApiClient;
  /** One line of the demo's output. */
  print(line: string): void;
  /** The heading of a part of the story. */
  step(text: string): void;
  /** The bearer token of one of the people (minted once). */
  token(who: Person): Promise<string>;
  /** Until `check` holds; throws `✗ <what> did not happen` when it does not in time. */
  waitFor(what: string, check: () => Promise<boolean>): Promise<void>;
}

export const demoContext = (client: ApiClient, print: (line: string) => void = console.log): DemoContext => {
  const tokens = new Map<Person, Promise<string>>();
  return {
    client,
    print,
    step: (text) => print(`\n▶ ${text}`),
    token: (who) => {
      let token = tokens.get(who);
      if (!token) {
        token = client.token(people[who]);
        tokens.set(who, token);
      }
      return token;
    },
    waitFor: async (what, check) => {
      try {
        await eventually(check, (done) => done);
      } catch {
        throw new Error(`✗ ${what} did not happen`);
      }
    },
  };
};
