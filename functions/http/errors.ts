/**
 * Typed errors that map to RFC 9457 problem details in one place (functions/http/http.ts).
 * `errors` lists each problem with a JSON Pointer: `#/lots/0/minSuppliers` points into the body,
 * `#/path/tenderId` and `#/query/limit` into the path and query parameters.
 */
import type { ProblemItem } from '../domain/refusal.ts';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ProblemItem[];
  [extension: string]: unknown;
}

export const problemType = (slug: string): string => `https://helsekjop.no/problems/${slug}`;

export class Problem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: ProblemItem[] | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    errors?: ProblemItem[],
    extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.status = status;
    this.type = problemType(slug);
    this.title = title;
    this.errors = errors;
    this.extensions = extensions;
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const validationProblem = (detail: string, errors: ProblemItem[]): Problem =>
  new Problem(400, 'validation-error', 'Your request is not valid', detail, errors);

/** A request that is well-formed but breaks a business rule (deadline in the past, weights ≠ 100…). */
export const ruleProblem = (detail: string, errors: ProblemItem[] = []): Problem =>
  new Problem(422, 'business-rule-violation', 'The request breaks a business rule', detail, errors);

export const notFound = (what: string, id: string): Problem =>
  new Problem(404, 'not-found', 'Not found', `${what} ${id} does not exist or is not visible to you`);

export const forbidden = (detail: string): Problem =>
  new Problem(403, 'forbidden', 'You are not allowed to do this', detail);

export const unauthorized = (detail: string): Problem =>
  new Problem(401, 'unauthorized', 'Authentication required', detail);

export const conflict = (detail: string, extensions: Record<string, unknown> = {}): Problem =>
  new Problem(409, 'conflict', 'The resource has changed', detail, undefined, extensions);

export const stateProblem = (detail: string): Problem =>
  new Problem(409, 'invalid-state', 'Not possible in the current state', detail);

/**
 * The one translation of a domain refusal (functions/domain/refusal.ts) to a problem: its kind
 * decides the status, type and title; its detail and items are the problem's.
 */
export const refusalProblem = (refusal: {
  kind: 'rule' | 'state' | 'conflict' | 'forbidden' | 'not-found' | 'late';
  message: string;
  items: ProblemItem[];
}): Problem => {
  const detail = refusal.message;
  switch (refusal.kind) {
    case 'rule':
      return ruleProblem(detail, refusal.items);
    case 'state':
      return stateProblem(detail);
    case 'conflict':
      return conflict(detail);
    case 'forbidden':
      return forbidden(detail);
    case 'not-found':
      return new Problem(404, 'not-found', 'Not found', detail);
    case 'late':
      return new Problem(422, 'bid-deadline-passed', 'The bid deadline has passed', detail, refusal.items);
  }
};
