/**
 * IAM, locally: every call a function makes to a local stand-in (the AWS endpoint, the DynamoDB
 * gate) is checked against that function's statements from functions/access.ts, the same ones the
 * stack turns into its role policy. The caller is the access key of the request's SigV4 signature
 * (each function's worker signs with its own, local/functions.ts). What is refused answers
 * AccessDeniedException, as IAM would; what is allowed is recorded, so a test can compare what each
 * function was granted with what it used.
 *
 * The operator's key (`local`: the runtime itself, tests and scripts reading the stand-ins) is not
 * checked, as an administrator is not on AWS.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { evaluate, type Request, type Resources, type Statement, statementsOf } from '../functions/access.ts';
import { type FunctionAccess, type FunctionKey, functions } from '../functions/manifest.ts';
import { ACCOUNT, FUNCTION_PREFIX, functionKeyFromAccessKey } from './functions.ts';

export const OPERATOR_ACCESS_KEY = 'local';

export class AccessDenied extends Error {
  override name = 'AccessDeniedException';
}

export interface Decision {
  caller: string;
  request: Request;
  allowed: boolean;
}

/** The access key id in a SigV4 Authorization header (`Credential=AKID/date/region/service/aws4_request`). */
export const signingAccessKey = (headers: IncomingHttpHeaders): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ''))?.[1];

export class LocalAccessControl {
  private readonly statements = new Map<string, Statement[]>();
  /** Every allowed request per function: `action resource`. */
  readonly used = new Map<string, Set<string>>();
  readonly denied: Decision[] = [];

  constructor(
    resources: Resources,
    /** Each function's access: the manifest's, or a test's changed one (a grant taken away). */
    accessOf: (key: FunctionKey) => FunctionAccess = (key) => functions[key].access,
  ) {
    for (const key of Object.keys(functions) as FunctionKey[])
      this.statements.set(key, statementsOf(accessOf(key), resources));
  }

  /** Throws AccessDenied unless the caller may make every one of the requests. */
  check(headers: IncomingHttpHeaders, requests: Request[]): void {
    const accessKey = signingAccessKey(headers);
    if (accessKey === OPERATOR_ACCESS_KEY) return;
    const key = accessKey ? functionKeyFromAccessKey(accessKey) : undefined;
    const statements = key ? this.statements.get(key) : undefined;
    if (!key || !statements)
      throw new AccessDenied(
        `The security token included in the request is invalid (access key ${accessKey ?? 'none'})`,
      );
    for (const request of requests) {
      const { allowed } = evaluate(statements, request);
      if (!allowed) {
        this.denied.push({ caller: key, request, allowed });
        throw new AccessDenied(
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/${FUNCTION_PREFIX}${key}/${FUNCTION_PREFIX}${key} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`,
        );
      }
    }
    const used = this.used.get(key) ?? new Set<string>();
    this.used.set(key, used);
    for (const request of requests) used.add(`${request.action} ${request.resource}`);
  }
}
