/** Structured JSON logs (one line per entry), the shape CloudWatch Logs Insights queries. */
type Fields = Record<string, unknown>;

const serialise = (fields: Fields): Fields =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) =>
      v instanceof Error ? [k, { name: v.name, message: v.message, stack: v.stack }] : [k, v],
    ),
  );

const write = (level: string, message: string, fields: Fields = {}): void => {
  if (level === 'debug' && process.env.LOG_LEVEL !== 'debug') return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...serialise(fields) });
  if (level === 'error') console.error(line);
  else if (process.env.LOG_LEVEL !== 'silent') console.log(line);
};

export const log = {
  debug: (message: string, fields?: Fields) => write('debug', message, fields),
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
};
