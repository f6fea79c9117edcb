import { boundedText, isStorableText, printable, TRUNCATED_MARK, UNPRINTABLE } from './text';

describe('printable', () => {
  it('is String() for ordinary values', () => {
    expect([printable('a'), printable(1), printable(null), printable(undefined), printable({})]).toEqual(['a', '1', 'null', 'undefined', '[object Object]']);
  });

  it('never throws: a value whose conversion throws becomes the fallback', () => {
    expect(printable(Object.create(null))).toBe(UNPRINTABLE);
    expect(printable({ toString: () => { throw new Error('no'); } })).toBe(UNPRINTABLE);
    expect(printable(Symbol('s'))).toBe('Symbol(s)');
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(printable(trap)).toBe(UNPRINTABLE);
  });
});

describe('boundedText', () => {
  it('leaves short, clean text alone', () => {
    expect(boundedText('hello', { maxChars: 10 })).toBe('hello');
  });

  it('replaces NUL characters and lone surrogates with U+FFFD', () => {
    expect(boundedText('a\u0000b', { maxChars: 10 })).toBe('a\uFFFDb');
    expect(boundedText('x\uD800y', { maxChars: 10 })).toBe('x\uFFFDy');
  });

  it('cuts to a number of characters, ending with the mark within the limit', () => {
    const cut = boundedText('x'.repeat(300), { maxChars: 256 });
    expect(cut).toHaveLength(256);
    expect(cut.endsWith(TRUNCATED_MARK)).toBe(true);
  });

  it('cuts to a number of UTF-8 bytes without splitting a character', () => {
    const cut = boundedText('é€😀'.repeat(10_000), { maxBytes: 8192 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8192);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(8192 - 16);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut.endsWith(TRUNCATED_MARK)).toBe(true);
  });

  it('without a mark, cuts exactly and deterministically, never leaving half a surrogate pair', () => {
    expect(boundedText('c'.repeat(100), { maxChars: 64, mark: false })).toBe('c'.repeat(64));
    const pairAtTheEdge = `${'c'.repeat(63)}😀tail`;
    expect(boundedText(pairAtTheEdge, { maxChars: 64, mark: false })).toBe('c'.repeat(63));
  });
});

describe('isStorableText', () => {
  it('refuses NULs and lone surrogates', () => {
    expect([isStorableText('ok 😀'), isStorableText('a\u0000'), isStorableText('\uDC00')]).toEqual([true, false, false]);
  });
});
