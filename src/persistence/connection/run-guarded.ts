import { type DatabaseErrorKind, storeError } from './database-errors';

const MAX_ATTEMPTS = 8;

/**
 * Runs `work` (one statement or one transaction) against the database. When it lost a deadlock
 * or a lock race it was rolled back, so nothing of it happened: it runs again after a short random
 * pause that keeps the contenders from colliding again. Whatever error remains leaves as the
 * store's typed error.
 */
export async function runGuarded<T>(work: () => Promise<T>, kindOf: (error: unknown) => DatabaseErrorKind): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const kind = kindOf(error);
      if (kind !== 'conflict' || attempt >= MAX_ATTEMPTS) throw storeError(error, kind);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
