import { EngineError } from '../errors';
import { boundedText } from '../text';

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

/**
 * The database refused a value the engine wrote (a constraint, a type, a size). Writing the same
 * value again can never succeed, so the runner errors the run instead of retrying.
 */
export class StoreDataError extends Error {
  override readonly name = 'StoreDataError';

  constructor(reason: string) {
    super(boundedText(reason, { maxChars: 1_000 }));
  }
}

/** The store could not reach its database; the same call may succeed later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'DATABASE_UNAVAILABLE';
}
