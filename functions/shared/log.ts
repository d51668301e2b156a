/**
 * Structured JSON logs (one line per entry), the shape CloudWatch Logs Insights queries: Powertools
 * Logger. `service` is the function (POWERTOOLS_SERVICE_NAME, its manifest key); inside a handler
 * wrapped by `withObservability` (functions/adapters/observability.ts) every entry also carries the
 * Lambda context (`function_request_id`, `cold_start`…), `xray_trace_id` on AWS and the correlation
 * ids of the invocation (`correlation_id`, `tenderId`, `agreementId`, `executionArn`).
 *
 * `log.info(message, fields)` is the call every module uses (the local runtime too, in its main
 * process). An `Error` in the fields is written with its name, message and stack.
 *
 * LOG_LEVEL: `debug`, `info` (the default), `warn`, `error`, or `silent`, which keeps errors and
 * silences the rest (the tests run with it).
 */
import { Logger } from '@aws-lambda-powertools/logger';

type Fields = Record<string, unknown>;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'] as const;
type Level = (typeof LEVELS)[number];

/** The Powertools level for a LOG_LEVEL value: `silent` keeps errors, anything unknown is INFO. */
export const levelOf = (value: string | undefined): Level => {
  const upper = (value ?? '').toUpperCase();
  if (upper === 'SILENT') return 'ERROR';
  return (LEVELS as readonly string[]).includes(upper) ? (upper as Level) : 'INFO';
};

/** The one Logger of the process (a Lambda sandbox, a local function's worker, or the local runtime). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'helsekjop',
  logLevel: levelOf(process.env.LOG_LEVEL),
});

export const log = {
  debug: (message: string, fields: Fields = {}) => logger.debug(message, fields),
  info: (message: string, fields: Fields = {}) => logger.info(message, fields),
  warn: (message: string, fields: Fields = {}) => logger.warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger.error(message, fields),
};
