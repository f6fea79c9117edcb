import { createHmac, timingSafeEqual } from 'node:crypto';
import { EngineError } from './errors';
import { isValidId } from './identifiers';

export type PageOrder = 'asc' | 'desc';

/** The largest value of the databases' integer columns (run numbers, sequence numbers). */
const MAX_INT32 = 2 ** 31 - 1;

/**
 * Where a page ended and how it was asked for. A cursor carries its page size and order, so the
 * next page needs nothing but the cursor (as the original fragment's clients expect).
 */
export interface PageCursor<T> {
  position: T;
  pageSize: number;
  order: PageOrder;
}

/**
 * Opaque, tamper-evident page cursors: base64url(JSON) + HMAC. The signed payload names the query
 * it belongs to (`scope`), so a cursor from another query or another server key is rejected.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode<T>(scope: string, page: PageCursor<T>): string {
    const body = Buffer.from(JSON.stringify({ s: scope, p: page.position, n: page.pageSize, o: page.order })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /**
   * What a cursor carries, once its signature, its scope and the shape of its contents check
   * out: a cursor signed with a leaked or guessed key still cannot hand SQL a wrong type.
   */
  decode<T>(scope: string, cursor: string, isPosition: (position: unknown) => position is T): PageCursor<T> {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) throw invalidCursor();
    let payload: { s?: unknown; p?: unknown; n?: unknown; o?: unknown };
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    const { s, p, n, o } = payload ?? {};
    if (s !== scope || !isPosition(p) || !isPageSize(n) || (o !== 'asc' && o !== 'desc')) throw invalidCursor();
    return { position: p, pageSize: n, order: o };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }

  private verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** A page size as a cursor may carry it; the configured maximum is checked where it is used. */
function isPageSize(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_INT32;
}

/** A position in a run's steps or events: their sequence number (a 32-bit integer). */
export function isSequencePosition(position: unknown): position is number {
  return Number.isInteger(position) && (position as number) >= 0 && (position as number) <= MAX_INT32;
}

/** A run number as the database keeps it (a 32-bit integer). */
export function isRunNumber(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT32;
}

/** A position in one run's history stream: the run it pages, and the last row's sequence number or id. */
export interface RunPosition {
  run: number;
  at: number;
}

/** A check of run positions whose `at` passes `isAt`. */
export function isRunPosition(isAt: (at: unknown) => at is number) {
  return (position: unknown): position is RunPosition => {
    const p = position as Partial<RunPosition> | null;
    return typeof p === 'object' && p !== null && isRunNumber(p.run) && isAt(p.at) && Object.keys(p).length === 2;
  };
}

/** A position in a run's log lines: their id (a 64-bit integer, within what JSON numbers hold exactly). */
export function isLogPosition(position: unknown): position is number {
  return Number.isSafeInteger(position) && (position as number) >= 0;
}

/** JavaScript's (and so the cursor's) range of valid times, in ms either side of 1970. */
const MAX_TIME_MS = 8.64e15;

/** A position in a list of instances: the last row's creation time and id. */
export function isListPosition(position: unknown): position is { createdAt: number; instanceId: string } {
  const p = position as { createdAt?: unknown; instanceId?: unknown } | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isSafeInteger(p.createdAt) &&
    Math.abs(p.createdAt as number) <= MAX_TIME_MS &&
    isValidId(p.instanceId) &&
    Object.keys(p).length === 2
  );
}

function invalidCursor(): EngineError {
  return new EngineError('INVALID_CURSOR', 'The cursor was not issued by this server for this query');
}
