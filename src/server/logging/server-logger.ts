import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, ServerLogLevel } from '../../config/server-config';

/** LOG_LEVEL (Nest's names) as pino's levels: Nest's `verbose` is pino's `trace`. */
const PINO_LEVELS: Record<ServerLogLevel, pino.Level> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Never written, whoever logs them: credentials in request headers, and the server's own secrets
 * should a config object ever be logged (the code never does).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'authToken',
  'cursorSecret',
  '*.authToken',
  '*.cursorSecret',
  'AUTH_TOKEN',
  'CURSOR_SECRET',
  '*.AUTH_TOKEN',
  '*.CURSOR_SECRET',
];

export interface ServerLoggerOptions {
  level: ServerLogLevel;
  format: LogFormat;
  /** Where lines go (default stdout); tests pass their own. */
  destination?: DestinationStream;
}

/** The standalone server's pino logger: JSON lines for machines, or pino-pretty for a terminal. */
export function createServerLogger({ level, format, destination }: ServerLoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: PINO_LEVELS[level],
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names, not numbers: what an operator greps for.
    formatters: { level: (label) => ({ level: label }) },
  };
  if (format === 'json') return pino(options, destination ?? pino.destination({ fd: 1, sync: true }));
  return pino(
    options,
    pretty({
      destination: destination ?? 1,
      sync: true,
      colorize: !destination && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      // What the message already says: the start-up block's fields, a request's method, URL and status.
      ignore: 'pid,hostname,context,startup,req,res',
      messageFormat: '{if context}[{context}] {end}{msg}',
    }),
  );
}
