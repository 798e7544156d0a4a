// Structured JSON logs for both processes. Every line carries a timestamp, level, message and the
// component that wrote it; callers add the object's namespace/name through `child`.
import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Where lines go; standard error by default so that standard output stays free for tools. */
  stream?: NodeJS.WritableStream;
  silent?: boolean;
}

// winston builds and formats a line before its level filter drops it; a line below the level costs
// nothing here, which matters on paths that log per request (the webhook's admission decisions).
function wrap(w: winston.Logger): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (w.isLevelEnabled(level)) w.log(level, message, fields);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (fields) => wrap(w.child(fields)),
  };
}

export function parseLogLevel(value: string): LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new Error(`log level: Invalid value: "${value}": must be one of ${LOG_LEVELS.join(', ')}`);
}

export function createLogger(opts: LoggerOptions): Logger {
  const transport = new winston.transports.Stream({ stream: opts.stream ?? process.stderr });
  return wrap(
    winston.createLogger({
      level: opts.level ?? 'info',
      silent: opts.silent ?? false,
      defaultMeta: { component: opts.component },
      format: winston.format.combine(
        winston.format.timestamp(),
        winston.format.errors({ stack: true }),
        winston.format.json(),
      ),
      transports: [transport],
    }),
  );
}

/** A logger that drops everything, for unit tests of code that takes a Logger. */
export const silentLogger: Logger = createLogger({ component: 'test', silent: true });
