import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** A stack trace as Nest passes it to `error(message, stack, context)`. */
const STACK = /\n\s+at /;

/**
 * Nest's LoggerService on pino, so that everything logged through Nest's `Logger` (the module's
 * own lines, Nest's) becomes a pino line. Nest calls `log(message, ...params, context)`; a message
 * that is an object is a line's structured fields (its `msg` the text), as nestjs-pino reads it.
 */
export class PinoNestLogger implements LoggerService {
  private readonly demoted: ReadonlySet<string>;
  private readonly dropped: ReadonlySet<string>;

  constructor(
    readonly pino: Logger,
    contexts: {
      /** Contexts whose info lines are logged at debug. */
      demoted?: string[];
      /** Contexts whose lines are not logged at all. */
      dropped?: string[];
    } = {},
  ) {
    this.demoted = new Set(contexts.demoted);
    this.dropped = new Set(contexts.dropped);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(asked: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    // Nest appends the Logger's context last (after an `undefined` when there was nothing else).
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (context && this.dropped.has(context)) return;
    const level = asked === 'info' && context && this.demoted.has(context) ? 'debug' : asked;
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    let text: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null) {
      const { msg, message: inner, ...structured } = message as Record<string, unknown>;
      Object.assign(fields, structured);
      text = String(msg ?? inner ?? '');
    } else {
      text = String(message);
    }
    for (const param of rest) {
      if (param === undefined) continue;
      if (typeof param === 'string' && STACK.test(param)) fields.stack = param;
      else if (param instanceof Error) fields.err = param;
      else if (typeof param === 'object' && param !== null) Object.assign(fields, param);
      else text += ` ${String(param)}`;
    }
    this.pino[level](fields, text);
  }
}
