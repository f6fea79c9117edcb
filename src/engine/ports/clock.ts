/**
 * Time as the engine sees it. Production uses the database's clock (so several processes on one
 * PostgreSQL agree on what is due); tests use `ManualClock` to skip time without waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` after `ms` of this clock's time; returns a function that cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

/**
 * The wall clock shifted by a measured offset, so that `now()` follows another clock (the
 * database server's) without asking it on every call.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(ms: number, callback: () => void): () => void {
    return systemClock.setTimer(ms, callback);
  }
}
