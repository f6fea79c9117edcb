import { EngineError } from '../../engine/errors';
import { StoreDataError } from '../../engine/ports/store-errors';

/**
 * What a database error means for whoever sent the statement:
 * - `unavailable`: the database or the connection went away (restart, network, a killed
 *   backend, too many connections); the same work may succeed later.
 * - `conflict`: a deadlock, serialization failure or lock race; the transaction was rolled back
 *   and may be sent again at once.
 * - `data`: the database refused a value; sending it again can never succeed.
 * - `other`: anything else (a bug), passed on as it is.
 */
export type DatabaseErrorKind = 'unavailable' | 'conflict' | 'data' | 'other';

/** Socket-level failures, from Node or pg, which carry no SQLSTATE. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const CONNECTION_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i;

export function postgresErrorKind(error: unknown): DatabaseErrorKind {
  const code = codeOf(error);
  if (code === '40001' || code === '40P01' || code === '55P03') return 'conflict';
  // 08 connection exception, 25P03 idle-in-transaction timeout, 53 insufficient resources,
  // 57 operator intervention (admin shutdown, statement timeout), 58 system error.
  if (code && (/^(08|53|57|58)/.test(code) || code === '25P03')) return 'unavailable';
  // 22 data exception, 23 integrity constraint, 54 program limit exceeded.
  if (code && /^(22|23|54)/.test(code)) return 'data';
  if ((code && NETWORK_CODES.has(code)) || CONNECTION_MESSAGES.test(messageOf(error))) return 'unavailable';
  return 'other';
}

export function sqliteErrorKind(error: unknown): DatabaseErrorKind {
  const code = codeOf(error) ?? '';
  if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM)/.test(code)) return 'unavailable';
  if (/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code)) return 'data';
  // better-sqlite3 refuses values it cannot bind with a TypeError or RangeError of its own (its
  // other errors of those types, such as a closed connection, are not about a value).
  if ((error instanceof TypeError || error instanceof RangeError) && /can only bind|too big|parameter values/.test(error.message)) return 'data';
  return 'other';
}

/** The error the store throws for a driver error of this kind. */
export function storeError(error: unknown, kind: DatabaseErrorKind): unknown {
  switch (kind) {
    case 'unavailable':
    case 'conflict':
      // A conflict that outlived its retries is, to the caller, a database that is not coping.
      // The driver's error stays in `cause` for logs; callers only learn to try again.
      return Object.assign(new EngineError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly'), { cause: error });
    case 'data':
      return new StoreDataError(messageOf(error));
    case 'other':
      return error;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
