/**
 * The one port through which an eForms notice is submitted for publication: on AWS the Doffin
 * Notices API (DFØ's, behind Azure API Management), locally the stand-in local/doffin.ts that
 * answers as Doffin would. Base URL and subscription key come from the Secrets Manager secret
 * `DOFFIN_SECRET_ARN` names (JSON `{ "baseUrl": "...", "subscriptionKey": "..." }`), read once per
 * container; the Secrets Manager client lives here, created on first use, so that only the function
 * that submits notices bundles and initialises it.
 *
 * Failures the caller can tell apart:
 * - a notice Doffin's validation refuses: not an error, a 'rejected' answer with its messages;
 * - `DoffinUnavailable`: Doffin (or Secrets Manager) did not answer in time, answered 5xx or 429, or
 *   the connection failed. Retryable: `isTransient` (functions/adapters/transient.ts) sees it, so
 *   the HTTP edge answers 503 and a workflow task retries;
 * - `DoffinError`: Doffin refused the call itself (`code`: 'conflict' for an identifier and version
 *   it has already, or a version it does not take now: `noticeStatus` of that version tells which;
 *   'unauthorised' for a subscription key it does not take; 'not-found' for a notice it does not
 *   know; 'refused' for any other 4xx), answered what this module cannot read ('unexpected-answer'),
 *   or the configuration is wrong ('misconfigured'). Not retryable as it is.
 */
import { lazy, resetClients, sdk, traced } from './clients.ts';
import { env } from './env.ts';
import { isTransient } from './transient.ts';

export interface NoticeSubmission {
  /** BT-701, a UUID v4. */
  noticeId: string;
  /** BT-757 as eForms writes it: '01', '02'… */
  version: string;
  /** OPP-070: '20', '33', '38', 'E3', 'E4'… */
  subtype: string;
  /** The notice's UBL XML. */
  xml: string;
}

export interface DoffinMessage {
  severity: 'error' | 'warning';
  /** The rule that speaks: an eForms Schematron assert id (BR-BT-00701-0052), 'XSD'… */
  rule?: string;
  text: string;
  /** Where in the notice (an XPath, or line:column for XML that is not well-formed). */
  location?: string;
}

export interface DoffinAnswer {
  /**
   * 'submitted': received, not validated yet; 'accepted': valid, waiting to be published (from
   * validateNotice: would be accepted, nothing submitted); 'rejected': not valid, see `messages`;
   * 'published': on doffin.no, with `publicationId`.
   */
  status: 'submitted' | 'accepted' | 'rejected' | 'published';
  noticeId: string;
  version: string;
  messages: DoffinMessage[];
  /** Doffin's public id, YYYY-NNNNNN (e.g. '2026-123456'): one per notice version. */
  publicationId?: string;
  publishedAt?: string;
  /** TED's publication number (NNNNNNNN-YYYY), once TED has published a notice sent on to it. */
  tedPublicationId?: string;
}

// ──────────────────────────────────────────────────────────────────────────────────────────────
// ASSUMED: the Doffin Notices API's paths and wire format. Doffin's documentation we hold says
// only that the Notices API submits, stops, validates (with debug=true) and translates notices,
// "mimics the TED API as closely as possible", and sits behind Azure API Management (subscription
// key header). Everything in this block follows TED's Publication API where it had to be guessed,
// and must be checked against Doffin's OpenAPI (dof-notices-test-api.developer.azure-api.net)
// once the subscription is activated; docs/eforms.md, "The Doffin port", lists what to check. The
// local stand-in (local/doffin.ts) serves exactly this block, so it cannot tell whether it is right.
// ──────────────────────────────────────────────────────────────────────────────────────────────

export const DOFFIN_API = {
  /** Azure API Management's subscription key header. */
  subscriptionKeyHeader: 'Ocp-Apim-Subscription-Key',
  /** The notice is sent as the request body, as it is. */
  noticeContentType: 'application/xml',
  /** TED's business id: notice identifier and version. */
  businessId: (noticeId: string, version: string): string => `${noticeId}-${version}`,
  /** Submit for publication: 2xx with the answer; 400/422 with the validation report; 409 when the id and version exist. */
  submit: { method: 'POST', path: (): string => '/notices/submit' },
  /** Validate only (nothing submitted): 200 with the report, valid or not. */
  validate: { method: 'POST', path: (): string => '/notices/validate?debug=true' },
  /** A submitted notice version's state; 404 when Doffin does not know it. */
  status: {
    method: 'GET',
    path: (businessId: string): string => `/notices/${encodeURIComponent(businessId)}/status`,
  },
} as const;

/** One validation finding as Doffin is assumed to report it (TED's SVRL, flattened). */
export interface WireItem {
  severity: 'ERROR' | 'WARNING' | 'INFO' | 'FATAL';
  ruleId?: string;
  message: string;
  location?: string;
}

/** The JSON answer of submit, validate and status, as assumed. */
export interface WireAnswer {
  noticeId?: string;
  noticeVersion?: string;
  /** SUBMITTED | ACCEPTED | REJECTED | PUBLISHED (validate: VALID | INVALID). */
  status?: string;
  validationReport?: { valid?: boolean; items?: WireItem[] };
  /** Doffin's public id once published. */
  doffinId?: string;
  publicationDate?: string;
  tedPublicationNumber?: string;
}

const STATUSES: Record<string, DoffinAnswer['status']> = {
  SUBMITTED: 'submitted',
  RECEIVED: 'submitted',
  PENDING: 'submitted',
  ACCEPTED: 'accepted',
  VALID: 'accepted',
  PUBLISHING: 'accepted',
  REJECTED: 'rejected',
  INVALID: 'rejected',
  NOT_PUBLISHED: 'rejected',
  PUBLISHED: 'published',
};

// ── end of the assumed part ───────────────────────────────────────────────────────────────────

/** How long one call to Doffin may take before it counts as unavailable (API Gateway gives a request 30 s). */
export const DOFFIN_TIMEOUT_MS = 10_000;

/** Doffin (or what leads to it) failed for a while: send the same request again later. */
export class DoffinUnavailable extends Error {
  override name = 'DoffinUnavailable';
  /** Read by isTransient (as it reads the AWS SDK's own): the edge answers 503, a task retries. */
  readonly $retryable: { throttling: boolean };
  /** The HTTP status Doffin answered, if it answered. */
  readonly status: number | undefined;
  /** Doffin's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  // Fields, not parameter properties: the local runtime loads functions/ with Node's type stripping.
  constructor(message: string, status?: number, retryAfterSeconds?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.$retryable = { throttling: status === 429 };
  }
}

export type DoffinErrorCode =
  | 'conflict'
  | 'unauthorised'
  | 'not-found'
  | 'refused'
  | 'unexpected-answer'
  | 'misconfigured';

/** Doffin refused the call itself, or the port cannot make it: the same request will fail again. */
export class DoffinError extends Error {
  override name = 'DoffinError';
  readonly code: DoffinErrorCode;
  /** The HTTP status Doffin answered, if it answered. */
  readonly status: number | undefined;
  constructor(code: DoffinErrorCode, message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

interface DoffinConfig {
  baseUrl: string;
  subscriptionKey: string;
}

// Loaded on the first submission, not at the function's start (clients.ts's sdk).
const secrets = lazy(() => traced(new (sdk('@aws-sdk/client-secrets-manager').SecretsManagerClient)({})));
let config: Promise<DoffinConfig> | undefined;

/** Forgets the secret and the clients (tests; a local runtime restarted in this process). */
export const resetDoffinPort = (): void => {
  config = undefined;
  resetClients();
};

const readConfig = async (): Promise<DoffinConfig> => {
  const secretId = env('DOFFIN_SECRET_ARN');
  let text: string | undefined;
  try {
    const { GetSecretValueCommand } = sdk('@aws-sdk/client-secrets-manager');
    text = (await secrets().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (isTransient(error))
      throw new DoffinUnavailable(
        `Secrets Manager failed for a moment (${(error as Error).name})`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    throw new DoffinError(
      'misconfigured',
      `The Doffin secret could not be read: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  let value: Partial<DoffinConfig> = {};
  try {
    value = JSON.parse(text ?? '') as Partial<DoffinConfig>;
  } catch {
    // Answered below.
  }
  const { baseUrl, subscriptionKey } = value;
  if (
    typeof baseUrl !== 'string' ||
    !/^https?:\/\/\S+$/.test(baseUrl) ||
    typeof subscriptionKey !== 'string' ||
    !subscriptionKey
  )
    throw new DoffinError(
      'misconfigured',
      'The Doffin secret must be JSON {"baseUrl": "https://…", "subscriptionKey": "…"} (the secret\'s value is not logged)',
    );
  return { baseUrl: baseUrl.replace(/\/+$/, ''), subscriptionKey };
};

/** The configuration, read once per container; a failed read is tried again by the next call. */
const doffinConfig = (): Promise<DoffinConfig> => {
  if (config) return config;
  const pending = readConfig();
  config = pending;
  pending.catch(() => {
    if (config === pending) config = undefined;
  });
  return pending;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^\d{2}$/;

const checkIdentity = (noticeId: string, version: string): void => {
  if (!UUID.test(noticeId)) throw new TypeError(`A notice id is a UUID, not ${JSON.stringify(noticeId)}`);
  if (!VERSION.test(version))
    throw new TypeError(`A notice version has two digits ('01'), not ${JSON.stringify(version)}`);
};

const retryAfter = (response: Response): number | undefined => {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
};

const messagesOf = (items: WireItem[] | undefined): DoffinMessage[] =>
  (items ?? []).map((item) => ({
    severity: item.severity === 'WARNING' || item.severity === 'INFO' ? 'warning' : 'error',
    ...(item.ruleId ? { rule: item.ruleId } : {}),
    text: String(item.message ?? ''),
    ...(item.location ? { location: item.location } : {}),
  }));

const answerOf = (
  wire: WireAnswer,
  noticeId: string,
  version: string,
  fallback?: DoffinAnswer['status'],
): DoffinAnswer => {
  const status = (wire.status && STATUSES[wire.status.toUpperCase()]) ?? fallback;
  if (!status)
    throw new DoffinError(
      'unexpected-answer',
      `Doffin answered a status this port does not know: ${JSON.stringify(wire.status)}`,
    );
  return {
    status,
    noticeId: wire.noticeId ?? noticeId,
    version: wire.noticeVersion ?? version,
    messages: messagesOf(wire.validationReport?.items),
    ...(wire.doffinId ? { publicationId: wire.doffinId } : {}),
    ...(wire.publicationDate ? { publishedAt: wire.publicationDate } : {}),
    ...(wire.tedPublicationNumber ? { tedPublicationId: wire.tedPublicationNumber } : {}),
  };
};

/** Doffin's answer to one call: its status and its JSON (undefined when the body is not JSON). */
const call = async (
  operation: 'submit' | 'validate' | 'status',
  path: string,
  body?: string,
): Promise<{ status: number; json: WireAnswer | undefined; text: string }> => {
  const { baseUrl, subscriptionKey } = await doffinConfig();
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: DOFFIN_API[operation].method,
      headers: {
        [DOFFIN_API.subscriptionKeyHeader]: subscriptionKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': DOFFIN_API.noticeContentType }),
      },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(DOFFIN_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    throw new DoffinUnavailable(
      name === 'TimeoutError' || name === 'AbortError'
        ? `Doffin did not answer ${operation} within ${DOFFIN_TIMEOUT_MS / 1000} s`
        : `Doffin could not be reached for ${operation} (${(error as Error).message})`,
      undefined,
      undefined,
      { cause: error },
    );
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408)
    throw new DoffinUnavailable(
      `Doffin answered ${operation} with ${response.status}`,
      response.status,
      retryAfter(response),
    );
  let json: WireAnswer | undefined;
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as WireAnswer;
  } catch {
    // Not JSON: left to the caller.
  }
  if (response.status === 401 || response.status === 403) {
    // A key rotated in the secret is read again by the next call.
    config = undefined;
    throw new DoffinError(
      'unauthorised',
      `Doffin refused the subscription key (${response.status})`,
      response.status,
    );
  }
  return { status: response.status, json, text };
};

/** What Doffin said, for an error message: its message field, else the start of its body. */
const said = (json: WireAnswer | undefined, text: string): string => {
  const message =
    (json as { message?: unknown; detail?: unknown } | undefined)?.message ??
    (json as { detail?: unknown } | undefined)?.detail;
  return typeof message === 'string' ? message : text.slice(0, 200);
};

const hasReport = (json: WireAnswer | undefined): json is WireAnswer =>
  Boolean(json?.validationReport?.items?.length);

/** Submits a notice version for publication: accepted (or submitted), or rejected with Doffin's messages. */
export const submitNotice = async (s: NoticeSubmission): Promise<DoffinAnswer> => {
  checkIdentity(s.noticeId, s.version);
  const { status, json, text } = await call('submit', DOFFIN_API.submit.path(), s.xml);
  if (status >= 200 && status < 300) {
    if (!json)
      throw new DoffinError('unexpected-answer', `Doffin answered submit ${status} without JSON`, status);
    return answerOf(json, s.noticeId, s.version, 'submitted');
  }
  if (status === 409)
    throw new DoffinError(
      'conflict',
      `Doffin refused notice ${s.noticeId} version ${s.version}: ${said(json, text)}`,
      status,
    );
  if ((status === 400 || status === 422) && hasReport(json))
    return answerOf({ ...json, status: 'REJECTED' }, s.noticeId, s.version);
  throw new DoffinError('refused', `Doffin refused submit (${status}): ${said(json, text)}`, status);
};

/** Doffin's validation of a notice (its debug endpoint): 'accepted' if it would take it, else 'rejected'. Nothing is submitted. */
export const validateNotice = async (s: NoticeSubmission): Promise<DoffinAnswer> => {
  checkIdentity(s.noticeId, s.version);
  const { status, json, text } = await call('validate', DOFFIN_API.validate.path(), s.xml);
  if ((status >= 200 && status < 300) || ((status === 400 || status === 422) && hasReport(json))) {
    if (!json)
      throw new DoffinError('unexpected-answer', `Doffin answered validate ${status} without JSON`, status);
    const valid =
      json.validationReport?.valid ??
      !messagesOf(json.validationReport?.items).some((m) => m.severity === 'error');
    return answerOf({ ...json, status: valid && status < 300 ? 'VALID' : 'INVALID' }, s.noticeId, s.version);
  }
  throw new DoffinError('refused', `Doffin refused validate (${status}): ${said(json, text)}`, status);
};

/** A submitted notice version's state: accepted, rejected, published (with its public id). */
export const noticeStatus = async (noticeId: string, version: string): Promise<DoffinAnswer> => {
  checkIdentity(noticeId, version);
  const { status, json, text } = await call(
    'status',
    DOFFIN_API.status.path(DOFFIN_API.businessId(noticeId, version)),
  );
  if (status >= 200 && status < 300) {
    if (!json)
      throw new DoffinError('unexpected-answer', `Doffin answered status ${status} without JSON`, status);
    return answerOf(json, noticeId, version);
  }
  if (status === 404)
    throw new DoffinError('not-found', `Doffin does not know notice ${noticeId} version ${version}`, status);
  throw new DoffinError('refused', `Doffin refused status (${status}): ${said(json, text)}`, status);
};
