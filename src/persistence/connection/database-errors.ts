import { EngineError } from '../../engine/errors';
import { type DatabaseErrorKind, StoreDataError } from '../../engine/ports/store-errors';

export type { DatabaseErrorKind };

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
