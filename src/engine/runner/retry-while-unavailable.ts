import type { Clock } from '../ports/clock';
import { isDatabaseUnavailable } from '../ports/store-errors';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2_000;

/**
 * Runs `attempt` again, with backoff on `clock`, while the database is unavailable and `deadline()`
 * (when the claim's lease runs out) is not reached; then the last error stands.
 */
export async function retryWhileUnavailable<T>(clock: Clock, deadline: () => number, attempt: () => Promise<T>): Promise<T> {
  for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || clock.now() + delay >= deadline()) throw error;
    }
    await new Promise<void>((resolve) => clock.setTimer(delay, resolve));
  }
}
