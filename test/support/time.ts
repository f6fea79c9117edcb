export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An epoch-milliseconds time as the API shows it. */
export const iso = (ms: number): string => new Date(ms).toISOString();
