/**
 * Time as the engine sees it. Production uses the database's clock (so several processes on one
 * PostgreSQL agree on what is due); tests use `ManualClock` to skip time without waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` after `ms` of this clock's time; returns a function that cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

/** setTimeout fires at once for delays past this (about 24.8 days); longer ones are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    let handle: ReturnType<typeof setTimeout>;
    const arm = (remaining: number) => {
      handle = setTimeout(() => (remaining > MAX_TIMEOUT_MS ? arm(remaining - MAX_TIMEOUT_MS) : callback()), Math.min(remaining, MAX_TIMEOUT_MS));
      handle.unref?.();
    };
    arm(ms);
    return () => clearTimeout(handle);
  },
};

/**
 * The wall clock shifted by a measured offset, so that `now()` follows another clock (the
 * database server's) without asking it on every call.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  /** Whole milliseconds: every time the engine stores is an integer number of them. */
  setOffset(offsetMs: number): void {
    this.offsetMs = Math.round(offsetMs);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(ms: number, callback: () => void): () => void {
    return systemClock.setTimer(ms, callback);
  }
}
