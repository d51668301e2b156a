/**
 * An AWS call that failed for a reason that passes (throttling, a timeout, a 5xx, a transaction
 * that met another) after the SDK's own retries: nothing the caller did wrong, nothing half-written
 * (every change is one transaction). The HTTP edge answers it 503 with Retry-After, never 500; a
 * workflow task fails with `ServiceUnavailable`, which every task state retries with backoff.
 */
const TRANSIENT = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'TransactionConflictException',
  'TransactionCanceledException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

export const isTransient = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (e.name && TRANSIENT.has(e.name)) return true;
  return (e.$metadata?.httpStatusCode ?? 0) >= 500 || Boolean(e.$retryable);
};
