import type { DatabaseErrorKind } from '../connection/database-errors';

/** What a better-sqlite3 error means (see DatabaseErrorKind). */
export function sqliteErrorKind(error: unknown): DatabaseErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM)/.test(code)) return 'unavailable';
    if (/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code)) return 'data';
  }
  // better-sqlite3 refuses values it cannot bind with a TypeError or RangeError of its own (its
  // other errors of those types, such as a closed connection, are not about a value).
  if ((error instanceof TypeError || error instanceof RangeError) && /can only bind|too big|parameter values/.test(error.message)) return 'data';
  return 'other';
}
