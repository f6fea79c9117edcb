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

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
