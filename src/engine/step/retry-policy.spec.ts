import type { StepConfig } from '../definition/types';
import { InvalidDurationError } from '../errors';
import { DEFAULT_STEP_CONFIG, MAX_RETRY_LIMIT, maxAttemptsOf, resolveRetryPolicy, retryDelayMs } from './retry-policy';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

type Config = StepConfig;
/** Retries as workflow code in plain JavaScript may give them: any subset of the fields. */
const someRetries = (retries: Partial<NonNullable<StepConfig['retries']>>): Config => ({ retries }) as Config;

/** The error `resolveRetryPolicy` throws for `config`; fails when it does not throw. */
function refusal(config: unknown): InvalidDurationError {
  try {
    resolveRetryPolicy(config as Config);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDurationError);
    return error as InvalidDurationError;
  }
  throw new Error(`resolveRetryPolicy(${JSON.stringify(config)}) did not throw`);
}

describe('resolveRetryPolicy', () => {
  it("defaults to Cloudflare Workflows': 5 retries, 10 seconds exponential, a 10 minute timeout", () => {
    const policy = { limit: 5, delayMs: 10 * SECOND, backoff: 'exponential', timeoutMs: 10 * MINUTE };
    expect(resolveRetryPolicy()).toEqual(policy);
    expect(resolveRetryPolicy({})).toEqual(policy);
    expect(DEFAULT_STEP_CONFIG).toEqual({ retries: { limit: 5, delay: '10 seconds', backoff: 'exponential' }, timeout: '10 minutes' });
  });

  it('takes each retries field it is given and the defaults for the others', () => {
    expect(resolveRetryPolicy(someRetries({ limit: 2 }))).toEqual({ limit: 2, delayMs: 10 * SECOND, backoff: 'exponential', timeoutMs: 10 * MINUTE });
    expect(resolveRetryPolicy(someRetries({ backoff: 'linear' }))).toMatchObject({ limit: 5, delayMs: 10 * SECOND, backoff: 'linear' });
    expect(resolveRetryPolicy(someRetries({ delay: '1 minute' }))).toMatchObject({ limit: 5, delayMs: MINUTE });
    expect(resolveRetryPolicy({ timeout: '5 seconds' })).toEqual({ limit: 5, delayMs: 10 * SECOND, backoff: 'exponential', timeoutMs: 5 * SECOND });
  });

  it('parses delays and timeouts as durations (text or milliseconds)', () => {
    expect(resolveRetryPolicy({ retries: { limit: 1, delay: 250, backoff: 'constant' }, timeout: 1500 })).toEqual({
      limit: 1,
      delayMs: 250,
      backoff: 'constant',
      timeoutMs: 1500,
    });
    expect(resolveRetryPolicy({ retries: { limit: 0, delay: 0 } })).toMatchObject({ limit: 0, delayMs: 0 });
  });

  it.each([0, 1, 3, MAX_RETRY_LIMIT, Infinity])('accepts the retry limit %p', (limit) => {
    expect(resolveRetryPolicy({ retries: { limit, delay: 0 } }).limit).toBe(limit);
  });

  it('keeps the retry limit within a 32-bit attempts column', () => {
    expect(MAX_RETRY_LIMIT).toBe(2 ** 31 - 2);
    expect(MAX_RETRY_LIMIT + 1).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['-Infinity', -Infinity],
    ['over the 32-bit bound', MAX_RETRY_LIMIT + 1],
    ['a numeric string', '3'],
    ['null', null],
  ])('refuses a %s retry limit, naming what it got', (_label, limit) => {
    expect(refusal({ retries: { limit, delay: 0 } }).message).toMatch(/^retries\.limit must be a whole number from 0 to 2147483646, or Infinity; got /);
  });

  it('refuses an unknown backoff', () => {
    expect(refusal({ retries: { limit: 1, delay: 0, backoff: 'quadratic' } }).message).toBe('retries.backoff must be one of constant, linear, exponential');
  });

  it.each([
    ['an unreadable delay', { retries: { limit: 1, delay: 'soon' } }],
    ['a negative delay', { retries: { limit: 1, delay: -1 } }],
    ['a delay over 365 days', { retries: { limit: 1, delay: '366 days' } }],
    ['a timeout of 0', { timeout: 0 }],
    ['an unreadable timeout', { timeout: 'forever' }],
  ])('refuses %s with InvalidDurationError', (_label, config) => {
    expect(refusal(config).name).toBe('InvalidDurationError');
  });

  it('allows attempt timeouts beyond 365 days (only a positive whole number of milliseconds is required)', () => {
    expect(resolveRetryPolicy({ timeout: '400 days' }).timeoutMs).toBe(400 * DAY);
    expect(resolveRetryPolicy({ timeout: 1 }).timeoutMs).toBe(1);
  });
});

describe('retryDelayMs', () => {
  it.each([
    ['constant', [1000, 1000, 1000, 1000]],
    ['linear', [1000, 2000, 3000, 4000]],
    ['exponential', [1000, 2000, 4000, 8000]],
  ] as const)('%s backoff waits %j after attempts 1 to 4', (backoff, delays) => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs({ delayMs: 1000, backoff }, attempt))).toEqual(delays);
  });

  it('follows the default policy: 10 s, 20 s, 40 s, 80 s, 160 s', () => {
    const policy = resolveRetryPolicy();
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt))).toEqual([10, 20, 40, 80, 160].map((s) => s * SECOND));
  });

  it('a delay of 0 retries at once, whatever the backoff', () => {
    for (const backoff of ['constant', 'linear', 'exponential'] as const) expect(retryDelayMs({ delayMs: 0, backoff }, 7)).toBe(0);
  });

  it('stays a number after very many attempts (unlimited retries): 0 for no delay, finite or Infinity otherwise', () => {
    expect(retryDelayMs({ delayMs: 0, backoff: 'exponential' }, 2_000)).toBe(0);
    expect(Number.isNaN(retryDelayMs({ delayMs: 10, backoff: 'exponential' }, 2_000))).toBe(false);
  });

  it('takes the default for a retries field given as undefined, as for one left out', () => {
    expect(resolveRetryPolicy({ retries: { limit: undefined as unknown as number, delay: 1 } }).limit).toBe(5);
    expect(resolveRetryPolicy({ retries: { limit: 2, delay: undefined as unknown as number } }).delayMs).toBe(10_000);
  });
});

describe('maxAttemptsOf', () => {
  it('is the retry limit plus the first attempt, or null when retries are unlimited', () => {
    expect(maxAttemptsOf(resolveRetryPolicy())).toBe(6);
    expect(maxAttemptsOf(resolveRetryPolicy({ retries: { limit: 0, delay: 0 } }))).toBe(1);
    expect(maxAttemptsOf(resolveRetryPolicy({ retries: { limit: MAX_RETRY_LIMIT, delay: 0 } }))).toBe(2 ** 31 - 1);
    expect(maxAttemptsOf(resolveRetryPolicy({ retries: { limit: Infinity, delay: 0 } }))).toBeNull();
  });
});
