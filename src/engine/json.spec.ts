import { ONE_MIB, parseJson, serializeJson } from './json';

describe('serializeJson', () => {
  it('stores JSON text of a value, and undefined as no text at all (SQL NULL)', () => {
    expect(serializeJson({ b: 1, a: [true, null, 'x'] }, ONE_MIB)).toEqual({ ok: true, text: '{"b":1,"a":[true,null,"x"]}' });
    expect(serializeJson(null, ONE_MIB)).toEqual({ ok: true, text: 'null' });
    expect(serializeJson(0, ONE_MIB)).toEqual({ ok: true, text: '0' });
    expect(serializeJson('', ONE_MIB)).toEqual({ ok: true, text: '""' });
    expect(serializeJson(undefined, ONE_MIB)).toEqual({ ok: true, text: null });
  });

  it('stores what JSON.stringify makes of a value: dates as text, undefined fields dropped, toJSON used', () => {
    const at = new Date(Date.UTC(2030, 0, 2));
    expect(serializeJson({ at, dropped: undefined, custom: { toJSON: () => 'mine' } }, ONE_MIB)).toEqual({
      ok: true,
      text: '{"at":"2030-01-02T00:00:00.000Z","custom":"mine"}',
    });
  });

  it.each([
    ['a function', () => 1, 'a function is not JSON-serialisable'],
    ['a symbol', Symbol('s'), 'a symbol is not JSON-serialisable'],
    ['a BigInt', BigInt(10), 'a bigint is not JSON-serialisable'],
  ])('refuses %s', (_label, value, reason) => {
    expect(serializeJson(value, ONE_MIB)).toEqual({ ok: false, reason });
  });

  it('refuses a circular structure and a BigInt inside an object, with the reason JSON gave', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const result = serializeJson(circular, ONE_MIB);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not JSON-serialisable: .*circular/i);
    const nested = serializeJson({ n: BigInt(1) }, ONE_MIB);
    expect(!nested.ok && nested.reason).toMatch(/^not JSON-serialisable: /);
  });

  it('refuses a value whose toJSON gives nothing JSON can hold', () => {
    for (const toJSON of [() => undefined, () => () => 1, () => Symbol('s')]) {
      expect(serializeJson({ toJSON }, ONE_MIB)).toEqual({ ok: false, reason: 'not JSON-serialisable: it serialises to nothing' });
    }
  });

  it('refuses a value whose toJSON throws, with its message', () => {
    const result = serializeJson({ toJSON: () => { throw new Error('no JSON for you'); } }, ONE_MIB);
    expect(result).toEqual({ ok: false, reason: 'not JSON-serialisable: no JSON for you' });
  });

  it('measures the limit in UTF-8 bytes of the text: exactly the limit passes, one byte more does not', () => {
    // '"xxx…"' is the length plus two quotes.
    expect(serializeJson('x'.repeat(ONE_MIB - 2), ONE_MIB)).toMatchObject({ ok: true });
    expect(serializeJson('x'.repeat(ONE_MIB - 1), ONE_MIB)).toEqual({ ok: false, reason: `${ONE_MIB + 1} bytes serialised, over the ${ONE_MIB}-byte limit` });
    // 'é' is one character but two bytes.
    expect(serializeJson('é'.repeat(4), 9)).toEqual({ ok: false, reason: '10 bytes serialised, over the 9-byte limit' });
    expect(serializeJson('é'.repeat(4), 10)).toEqual({ ok: true, text: '"éééé"' });
  });
});

describe('parseJson', () => {
  it('reads stored text back, and no text as undefined', () => {
    expect(parseJson('{"b":1,"a":[true,null]}')).toEqual({ b: 1, a: [true, null] });
    expect(parseJson('null')).toBeNull();
    expect(parseJson(null)).toBeUndefined();
    expect(parseJson(undefined)).toBeUndefined();
  });

  it('round-trips what serializeJson stores', () => {
    for (const value of [{ n: 1, nested: { list: [1, 'two', null] } }, 'text', 42, true, null, []]) {
      const stored = serializeJson(value, ONE_MIB);
      expect(stored.ok && parseJson(stored.text)).toEqual(value);
    }
  });
});
