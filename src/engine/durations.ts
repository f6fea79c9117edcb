import { InvalidDurationError } from './errors';

/** A number of milliseconds, or text such as `"10 seconds"`, `"2 h"`, `"1.5 days"`. */
export type Duration = number | `${number} ${DurationUnit}` | `${number}`;

export type DurationUnit =
  | 'ms' | 'millisecond' | 'milliseconds'
  | 's' | 'sec' | 'secs' | 'second' | 'seconds'
  | 'm' | 'min' | 'mins' | 'minute' | 'minutes'
  | 'h' | 'hour' | 'hours'
  | 'd' | 'day' | 'days'
  | 'w' | 'week' | 'weeks';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS: Record<DurationUnit, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: SECOND, sec: SECOND, secs: SECOND, second: SECOND, seconds: SECOND,
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
};

export const MAX_DURATION_MS = 365 * DAY;

const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i;

/** Parses a duration into milliseconds, or throws `InvalidDurationError`. */
export function parseDuration(value: unknown, bounds = { minMs: 0, maxMs: MAX_DURATION_MS }): number {
  const ms = toMilliseconds(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new InvalidDurationError(`Invalid duration ${JSON.stringify(value)}: use milliseconds or "<number> <unit>"`);
  }
  if (ms < bounds.minMs || ms > bounds.maxMs) {
    throw new InvalidDurationError(
      `Duration ${JSON.stringify(value)} is out of range (${bounds.minMs} ms to ${bounds.maxMs} ms)`,
    );
  }
  return ms;
}

function toMilliseconds(value: unknown): number | undefined {
  // Whole milliseconds: stored times and timeouts are integers on both databases.
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION_TEXT.exec(value);
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase() as DurationUnit;
  // Own keys only: "1 constructor" must not find Object.prototype.constructor.
  if (!Object.hasOwn(UNIT_MS, unit)) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}
