import type { InvocationContext } from '@azure/functions';

/**
 * Structured logs: one JSON object per line with a correlation id. Fields whose names suggest a
 * credential or an invitation link are replaced before anything is written, so a careless call
 * cannot leak a token.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSink = (level: LogLevel, line: string) => void;
export type LogFields = Record<string, unknown>;

const SENSITIVE_KEY =
  /token|secret|password|authorization|cookie|accesskey|apikey|signature|link|code_verifier|^code$/i;
const REDACTED = '[redacted]';

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Past this depth nothing is inspected, so nothing is written: a secret cannot hide deep down.
  if (depth > 6) return '[truncated]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
  }
  return out;
}

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  with(fields: LogFields): Logger;
}

export function createLogger(sink: LogSink, base: LogFields = {}): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}) =>
    sink(level, JSON.stringify(redact({ level, event, ...base, ...fields })));
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    with: (fields) => createLogger(sink, { ...base, ...fields }),
  };
}

export const consoleSink: LogSink = (level, line) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

/** Writes through the Functions invocation context, so the host tags each line with its invocation. */
export const invocationSink =
  (context: Pick<InvocationContext, 'error' | 'warn' | 'debug' | 'info'>): LogSink =>
  (level, line) => {
    if (level === 'error') context.error(line);
    else if (level === 'warn') context.warn(line);
    else if (level === 'debug') context.debug(line);
    else context.info(line);
  };
