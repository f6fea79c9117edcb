import { MAX_DURATION_MS, parseDuration } from './durations';
import { InvalidDurationError } from './errors';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The error `parseDuration` throws for `value`; fails when it does not throw. */
function failure(value: unknown, bounds?: { minMs: number; maxMs: number }): InvalidDurationError {
  try {
    parseDuration(value, bounds);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDurationError);
    return error as InvalidDurationError;
  }
  throw new Error(`parseDuration(${JSON.stringify(value)}) did not throw`);
}

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [1, 1],
    [90_000, 90_000],
    [MAX_DURATION_MS, MAX_DURATION_MS],
  ])('takes the number %p as milliseconds (%p)', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([
    [1.4, 1],
    [1.5, 2],
    [0.4, 0],
    [999.9, 1000],
  ])('rounds the number %p to whole milliseconds (%p)', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([
    ['250', 250],
    ['250 ms', 250],
    ['1 millisecond', 1],
    ['3 milliseconds', 3],
    ['1 s', SECOND],
    ['10 sec', 10 * SECOND],
    ['2 secs', 2 * SECOND],
    ['1 second', SECOND],
    ['1.5 seconds', 1500],
    ['1 m', MINUTE],
    ['2 min', 2 * MINUTE],
    ['3 mins', 3 * MINUTE],
    ['1 minute', MINUTE],
    ['5 minutes', 5 * MINUTE],
    ['2 h', 2 * HOUR],
    ['1 hour', HOUR],
    ['2 hours', 2 * HOUR],
    ['1 d', DAY],
    ['1 day', DAY],
    ['1.5 days', 1.5 * DAY],
    ['1 w', 7 * DAY],
    ['1 week', 7 * DAY],
    ['3 weeks', 21 * DAY],
    ['365 days', 365 * DAY],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads units in any case, with or without spaces around the parts', () => {
    expect(parseDuration('10 SECONDS')).toBe(10 * SECOND);
    expect(parseDuration('2 Hours')).toBe(2 * HOUR);
    expect(parseDuration('10seconds')).toBe(10 * SECOND);
    expect(parseDuration('  5 min  ')).toBe(5 * MINUTE);
  });

  it('rounds fractional text to whole milliseconds', () => {
    expect(parseDuration('1.5')).toBe(2);
    expect(parseDuration('0.0004 s')).toBe(0);
    expect(parseDuration('2.5 ms')).toBe(3);
  });

  it.each([
    ['an unknown unit', '1 fortnight'],
    ['a unit named like an Object.prototype member', '1 constructor'],
    ['__proto__ as a unit', '1 __proto__'],
    ['toString as a unit', '2 toString'],
    ['a negative number in text', '-1 s'],
    ['exponent notation', '1e3'],
    ['no number', 'seconds'],
    ['two numbers', '1 2 s'],
    ['an empty string', ''],
    ['a number with a trailing dot', '1. s'],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['an object', { ms: 5 }],
    ['a Date', new Date(0)],
  ])('refuses %s as unreadable', (_label, value) => {
    expect(failure(value).message).toMatch(/^Invalid duration .*: use milliseconds or "<number> <unit>"$/);
  });

  it('refuses a negative number and one over 365 days as out of range, naming the range', () => {
    expect(failure(-1).message).toBe(`Duration -1 is out of range (0 ms to ${MAX_DURATION_MS} ms)`);
    expect(failure(MAX_DURATION_MS + 1).message).toMatch(/out of range/);
    expect(failure('366 days').message).toBe(`Duration "366 days" is out of range (0 ms to ${MAX_DURATION_MS} ms)`);
    expect(failure('53 weeks').message).toMatch(/out of range/);
  });

  it('365 days is the default maximum', () => {
    expect(MAX_DURATION_MS).toBe(365 * DAY);
  });

  it('checks the bounds it is given, inclusively, after rounding', () => {
    const bounds = { minMs: 1000, maxMs: 2000 };
    expect(parseDuration('1 second', bounds)).toBe(1000);
    expect(parseDuration('2 seconds', bounds)).toBe(2000);
    expect(parseDuration(999.5, bounds)).toBe(1000);
    expect(failure('999 ms', bounds).message).toBe('Duration "999 ms" is out of range (1000 ms to 2000 ms)');
    expect(failure(2000.5, bounds).message).toMatch(/out of range/);
    expect(parseDuration(Number.MAX_SAFE_INTEGER, { minMs: 1, maxMs: Number.MAX_SAFE_INTEGER })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('throws an error workflow code sees as non-retryable InvalidDurationError', () => {
    const error = failure('abc');
    expect(error.name).toBe('InvalidDurationError');
    expect(error).toBeInstanceOf(Error);
  });
});
