import { createHmac } from 'node:crypto';
import { CursorCodec, isListPosition, isLogPosition, isSequencePosition, type PageCursor } from './cursors';
import { EngineError } from './errors';

const SECRET = 'a-test-secret-of-some-length';
const anything = (_position: unknown): _position is unknown => true;

/** The EngineError `decode` throws; fails when it returns. */
function rejected(decode: () => unknown): EngineError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('decode accepted the cursor');
}

/** Replaces one character of `text` at `index` with another of the base64url alphabet. */
function flip(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

/** A cursor's contents at `position`, with a page size and order that the test does not look at. */
function at<T>(position: T): PageCursor<T> {
  return { position, pageSize: 25, order: 'asc' };
}

function bodyOf(cursor: string): unknown {
  return JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString('utf8'));
}

describe('CursorCodec', () => {
  const codec = new CursorCodec(SECRET);

  it('decodes what it encoded, for the same scope', () => {
    const page = { position: { createdAt: 1_893_456_000_000, instanceId: 'order-42' }, pageSize: 10, order: 'desc' as const };
    const cursor = codec.encode('instances:orders:*', page);
    expect(codec.decode('instances:orders:*', cursor, isListPosition)).toEqual(page);
    expect(codec.decode('steps:x', codec.encode('steps:x', at(7)), isSequencePosition)).toEqual({ position: 7, pageSize: 25, order: 'asc' });
  });

  it('is URL-safe text: a base64url body and a base64url signature', () => {
    const cursor = codec.encode('scope', at({ createdAt: 1, instanceId: 'a' }));
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(bodyOf(cursor)).toEqual({ s: 'scope', p: { createdAt: 1, instanceId: 'a' }, n: 25, o: 'asc' });
  });

  it('gives the same cursor for the same scope and position, and another for another key', () => {
    expect(codec.encode('s', at(1))).toBe(new CursorCodec(SECRET).encode('s', at(1)));
    expect(codec.encode('s', at(1))).not.toBe(new CursorCodec(`${SECRET}-other`).encode('s', at(1)));
  });

  it('rejects a cursor of another scope with INVALID_CURSOR', () => {
    const cursor = codec.encode('instances:a:*', at({ createdAt: 1, instanceId: 'x' }));
    const error = rejected(() => codec.decode('instances:b:*', cursor, anything));
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.message).toBe('The cursor was not issued by this server for this query');
  });

  it('rejects a cursor signed with another key', () => {
    const foreign = new CursorCodec('another-secret-entirely').encode('s', at(1));
    expect(rejected(() => codec.decode('s', foreign, anything)).code).toBe('INVALID_CURSOR');
  });

  it('rejects any changed character of the body or the signature', () => {
    const cursor = codec.encode('s', at({ createdAt: 5, instanceId: 'abc' }));
    const dot = cursor.indexOf('.');
    for (const index of [0, 3, dot - 1, dot + 1, dot + 10, cursor.length - 2]) {
      expect({ index, code: rejected(() => codec.decode('s', flip(cursor, index), anything)).code }).toEqual({ index, code: 'INVALID_CURSOR' });
    }
  });

  it('rejects a body re-encoded with another position or scope under the old signature', () => {
    const cursor = codec.encode('instances:a:*', at({ createdAt: 5, instanceId: 'abc' }));
    const [, signature] = cursor.split('.');
    const reencode = (payload: unknown) => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect(rejected(() => codec.decode('instances:a:*', reencode({ s: 'instances:a:*', p: { createdAt: 6, instanceId: 'abc' }, n: 25, o: 'asc' }), anything)).code).toBe('INVALID_CURSOR');
    expect(rejected(() => codec.decode('instances:b:*', reencode({ s: 'instances:b:*', p: { createdAt: 5, instanceId: 'abc' }, n: 25, o: 'asc' }), anything)).code).toBe('INVALID_CURSOR');
  });

  it.each([
    ['an empty string', ''],
    ['no dot', 'abc'],
    ['an empty body', '.abc'],
    ['an empty signature', 'abc.'],
    ['three parts', 'a.b.c'],
    ['dots only', '....'],
    ['garbage', 'garbage'],
  ])('rejects %s', (_label, cursor) => {
    expect(rejected(() => codec.decode('s', cursor, anything)).code).toBe('INVALID_CURSOR');
  });

  it('rejects an extra part after a genuine cursor', () => {
    const cursor = codec.encode('s', at(1));
    expect(rejected(() => codec.decode('s', `${cursor}.x`, anything)).code).toBe('INVALID_CURSOR');
    expect(rejected(() => codec.decode('s', `${cursor}x`, anything)).code).toBe('INVALID_CURSOR');
  });

  it('rejects a correctly signed body that is not JSON, or not an object with the scope', () => {
    // A body signed with the right key (HMAC-SHA256 over the base64url body): what someone who knows the key could send.
    const sign = (text: string) => {
      const body = Buffer.from(text).toString('base64url');
      return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    };
    const malformed = ['not json', '{"s":', 'null', '42', '"s"', '[]', '{"p":1}', '{"s":"s","p":1}', '{"s":"s","p":1,"n":0,"o":"asc"}', '{"s":"s","p":1,"n":2.5,"o":"asc"}', '{"s":"s","p":1,"n":5,"o":"up"}'];
    for (const text of malformed) {
      expect({ text, code: rejected(() => codec.decode('s', sign(text), anything)).code }).toEqual({ text, code: 'INVALID_CURSOR' });
    }
    expect(codec.decode('s', sign('{"s":"s","p":1,"n":5,"o":"desc"}'), anything)).toEqual({ position: 1, pageSize: 5, order: 'desc' });
  });

  it('rejects a correctly signed cursor whose position fails the shape check', () => {
    const cursor = codec.encode('steps', at('not a number'));
    expect(rejected(() => codec.decode('steps', cursor, isSequencePosition)).code).toBe('INVALID_CURSOR');
    expect(codec.decode('steps', cursor, anything).position).toBe('not a number');
  });
});

describe('cursor position shapes', () => {
  it.each([0, 1, 42, 2 ** 31 - 1])('a step or event position may be %p', (position) => {
    expect(isSequencePosition(position)).toBe(true);
  });

  it.each([-1, 1.5, 2 ** 31, 2 ** 40, Number.NaN, Infinity, '1', null, undefined, { seq: 1 }, [1]])('a step or event position may not be %p', (position) => {
    expect(isSequencePosition(position)).toBe(false);
  });

  it.each([0, 1, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER])('a log position may be %p', (position) => {
    expect(isLogPosition(position)).toBe(true);
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, Number.NaN, '1', null, { id: 1 }])('a log position may not be %p', (position) => {
    expect(isLogPosition(position)).toBe(false);
  });

  it.each([
    { createdAt: 0, instanceId: 'a' },
    { createdAt: 1_893_456_000_000, instanceId: 'order_42-a' },
    { createdAt: -1, instanceId: '_x' },
    { createdAt: 8.64e15, instanceId: 'a'.repeat(100) },
    { createdAt: -8.64e15, instanceId: '7' },
  ])('a list position may be %j', (position) => {
    expect(isListPosition(position)).toBe(true);
  });

  it.each([
    ['a string', 'text'],
    ['null', null],
    ['an array', [1, 2]],
    ['a position without an id', { createdAt: 1 }],
    ['a position without a time', { instanceId: 'a' }],
    ['a time that is text', { createdAt: 'x', instanceId: 'a' }],
    ['a fractional time', { createdAt: 1.5, instanceId: 'a' }],
    ['a time beyond what a Date holds', { createdAt: 9e15, instanceId: 'a' }],
    ['a time before what a Date holds', { createdAt: -9e15, instanceId: 'a' }],
    ['an id that is an object', { createdAt: 1, instanceId: { a: 1 } }],
    ['an id with a NUL', { createdAt: 1, instanceId: 'nul\u0000id' }],
    ['an id breaking the id rule', { createdAt: 1, instanceId: '-dash' }],
    ['an id of 101 characters', { createdAt: 1, instanceId: 'a'.repeat(101) }],
    ['an empty id', { createdAt: 1, instanceId: '' }],
    ['an extra key', { createdAt: 1, instanceId: 'a', extra: 1 }],
  ])('a list position may not be %s', (_label, position) => {
    expect(isListPosition(position)).toBe(false);
  });
});
