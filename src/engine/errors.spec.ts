import { errorInfo, isNonRetryable, MAX_ERROR_MESSAGE_BYTES, MAX_ERROR_NAME_CHARS, NonRetryableError, toErrorInfo } from './errors';
import { TRUNCATED_MARK, UNPRINTABLE } from './text';

describe('toErrorInfo', () => {
  it('reads name and message of errors and error-like objects', () => {
    const typed = new TypeError('bad');
    expect(toErrorInfo(typed)).toEqual({ name: 'TypeError', message: 'bad' });
    expect(toErrorInfo({ name: 'Custom', message: 'm' })).toEqual({ name: 'Custom', message: 'm' });
    expect(toErrorInfo({ code: 1 })).toEqual({ name: 'Error', message: '[object Object]' });
    expect(toErrorInfo('plain')).toEqual({ name: 'Error', message: 'plain' });
    expect(toErrorInfo(undefined)).toEqual({ name: 'Error', message: 'undefined' });
  });

  it.each([
    ['Object.create(null)', Object.create(null), { name: 'Error', message: UNPRINTABLE }],
    ['a throwing name getter', { get name(): string { throw new Error('x'); }, message: 'still here' }, { name: 'Error', message: 'still here' }],
    ['a throwing message getter', { name: 'Named', get message(): string { throw new Error('x'); } }, { name: 'Named', message: UNPRINTABLE }],
    ['a Proxy whose every trap throws', new Proxy({}, { get: () => { throw new Error('get'); }, has: () => { throw new Error('has'); }, getPrototypeOf: () => { throw new Error('proto'); } }), { name: 'Error', message: UNPRINTABLE }],
    ['a message whose toString throws', { message: { toString() { throw 1; } } }, { name: 'Error', message: UNPRINTABLE }],
    ['a Symbol', Symbol('s'), { name: 'Error', message: 'Symbol(s)' }],
  ])('never throws, and stays readable, for %s', (_what, value, expected) => {
    expect(toErrorInfo(value)).toEqual(expected);
  });

  it('caps the name at 256 characters and the message at 8 KiB, marking both, and removes NULs', () => {
    const info = toErrorInfo({ name: 'N'.repeat(100_000), message: `a\u0000${'m'.repeat(5 * 1024 * 1024)}` });
    expect(info.name).toHaveLength(MAX_ERROR_NAME_CHARS);
    expect(info.name.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(Buffer.byteLength(info.message)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(info.message.startsWith('a\uFFFDm')).toBe(true);
    expect(info.message.endsWith(TRUNCATED_MARK)).toBe(true);
  });

  it('an empty name becomes Error', () => {
    expect(errorInfo('', 'm')).toEqual({ name: 'Error', message: 'm' });
  });
});

describe('isNonRetryable', () => {
  it('recognises the name and subclasses, and is false (not a throw) for hostile values', () => {
    class Declined extends NonRetryableError {}
    expect([isNonRetryable(new NonRetryableError('x')), isNonRetryable(new Declined('d')), isNonRetryable(new Error('e'))]).toEqual([true, true, false]);
    expect(isNonRetryable({ name: 'NonRetryableError' })).toBe(true);
    const trap = new Proxy({}, { get: () => { throw new Error('get'); }, getPrototypeOf: () => { throw new Error('proto'); } });
    expect(isNonRetryable(trap)).toBe(false);
  });
});
