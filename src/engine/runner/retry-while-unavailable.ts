import type { Clock } from '../ports/clock';
import { isDatabaseUnavailable } from '../ports/store-errors';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2_000;

/**
 * Runs `attempt` again, with backoff on `clock`, while the database is unavailable and `deadline()`
 * is not reached; then the last error stands. `retries` counts the attempts that failed.
 */
export async function retryWhileUnavailable<T>(
  clock: Clock,
  deadline: () => number,
  attempt: () => Promise<T>,
  retries = { count: 0 },
): Promise<T> {
  for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || clock.now() + delay >= deadline()) throw error;
      retries.count++;
    }
    await new Promise<void>((resolve) => clock.setTimer(delay, resolve));
  }
}
