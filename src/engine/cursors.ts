import { createHmac, timingSafeEqual } from 'node:crypto';
import { EngineError } from './errors';

/**
 * Opaque, tamper-evident page cursors: base64url(JSON) + HMAC. The signed payload names the query
 * it belongs to (`scope`), so a cursor from another query or another server key is rejected.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode<T>(scope: string, position: T): string {
    const body = Buffer.from(JSON.stringify({ s: scope, p: position })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode<T>(scope: string, cursor: string): T {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) throw invalidCursor();
    let payload: { s?: unknown; p?: unknown };
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (payload?.s !== scope || payload.p === undefined) throw invalidCursor();
    return payload.p as T;
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

function invalidCursor(): EngineError {
  return new EngineError('INVALID_CURSOR', 'The cursor was not issued by this server for this query');
}
