import type { BackoffKind, StepConfig } from '../definition/types';
import { parseDuration } from '../durations';
import { InvalidDurationError } from '../errors';
import { printable } from '../text';

/** Cloudflare Workflows' defaults. */
export const DEFAULT_STEP_CONFIG = {
  retries: { limit: 5, delay: '10 seconds', backoff: 'exponential' },
  timeout: '10 minutes',
} as const satisfies Required<StepConfig>;

/** Attempts are stored as a 32-bit integer: limit + 1 must fit. */
export const MAX_RETRY_LIMIT = 2 ** 31 - 2;

export interface RetryPolicy {
  /** Retries after the first attempt; may be Infinity. */
  limit: number;
  delayMs: number;
  backoff: BackoffKind;
  timeoutMs: number;
}

const BACKOFFS: readonly BackoffKind[] = ['constant', 'linear', 'exponential'];

/** Resolves a step's config against the defaults; throws `InvalidDurationError` on bad values. */
export function resolveRetryPolicy(config: StepConfig = {}): RetryPolicy {
  // A field given as undefined takes its default, as one left out does.
  const retries = { ...DEFAULT_STEP_CONFIG.retries, ...definedFields(config.retries) };
  const limit = retries.limit;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0 && limit <= MAX_RETRY_LIMIT))) {
    throw new InvalidDurationError(`retries.limit must be a whole number from 0 to ${MAX_RETRY_LIMIT}, or Infinity; got ${printable(limit)}`);
  }
  if (!BACKOFFS.includes(retries.backoff)) {
    throw new InvalidDurationError(`retries.backoff must be one of ${BACKOFFS.join(', ')}`);
  }
  return {
    limit,
    delayMs: parseDuration(retries.delay),
    backoff: retries.backoff,
    timeoutMs: parseDuration(config.timeout ?? DEFAULT_STEP_CONFIG.timeout, { minMs: 1, maxMs: Number.MAX_SAFE_INTEGER }),
  };
}

function definedFields<T extends object>(fields: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The wait before retrying after attempt `failedAttempt` (1-based) failed. */
export function retryDelayMs(policy: Pick<RetryPolicy, 'delayMs' | 'backoff'>, failedAttempt: number): number {
  switch (policy.backoff) {
    case 'constant':
      return policy.delayMs;
    case 'linear':
      return policy.delayMs * failedAttempt;
    case 'exponential':
      // A zero delay stays zero (0 × 2^1024 would be NaN); callers cap the delay anyway.
      return policy.delayMs === 0 ? 0 : policy.delayMs * 2 ** Math.min(failedAttempt - 1, 1023);
  }
}

export function maxAttemptsOf(policy: RetryPolicy): number | null {
  return policy.limit === Infinity ? null : policy.limit + 1;
}
