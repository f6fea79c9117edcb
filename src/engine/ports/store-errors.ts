import { EngineError } from '../errors';
import { boundedText } from '../text';

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
