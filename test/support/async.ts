import { flushPromises } from '../../src/engine/testing/manual-clock';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/** A promise and the function that resolves it, for tests that decide when something finishes. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets callbacks queued on promises and I/O run once. */
export const flush: () => Promise<void> = flushPromises;

/** Waits `ms` of real time. For pacing work (spacing timestamps, rounds of a load); never as an assertion. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export interface PollOptions {
  /** How long to keep trying (default 5 s). */
  timeoutMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
  /** The longest pause between two reads (default 100 ms); polls start at 10 ms (or this, if less) and double. */
  intervalMs?: number;
}

const FIRST_POLL_MS = 10;

/**
 * Polls `read` until `done` accepts its value (or, without `done`, until the value is truthy) and
 * returns that value; fails with the last value after the timeout. Polls often at first, then
 * every `intervalMs`, so a quick condition is seen at once and a slow one costs little.
 */
export function eventually<T>(read: () => Promise<T>, options?: PollOptions): Promise<T>;
export function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, options?: PollOptions): Promise<T>;
export async function eventually<T>(
  read: () => Promise<T>,
  doneOrOptions?: ((value: T) => boolean) | PollOptions,
  maybeOptions: PollOptions = {},
): Promise<T> {
  const done = typeof doneOrOptions === 'function' ? doneOrOptions : (value: T) => Boolean(value);
  const { timeoutMs = 5_000, what = 'the condition', intervalMs = 100 } = typeof doneOrOptions === 'function' ? maybeOptions : (doneOrOptions ?? {});
  const deadline = Date.now() + timeoutMs;
  for (let pause = Math.min(FIRST_POLL_MS, intervalMs); ; pause = Math.min(pause * 2, intervalMs)) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${shown(value)}`);
    await delay(pause);
  }
}

function shown(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2_000) ?? String(value);
  } catch {
    return String(value);
  }
}
