import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { setPrincipal } from '../auth/principal';
import type { ErrorEnvelope } from '../errors/error-envelope';

/** `Bearer <token>`, the scheme in any case (RFC 7235: schemes are case-insensitive). */
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an `Authorization` header carries `Bearer <token>`; compared in constant time. */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const given = BEARER.exec(String(authorization ?? ''))?.[1];
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}

/** The 401 for a request without the token. */
export function refuseWithoutToken(response: Response): void {
  const body: ErrorEnvelope = { message: 'A valid "Authorization: Bearer <token>" header is required', code: 'UNAUTHORIZED' };
  response.status(401).set('WWW-Authenticate', 'Bearer').json(body);
}

/**
 * The standalone server's AUTH_TOKEN: every request needs `Authorization: Bearer <token>`. A
 * header check that runs before anything reads the body, so an unauthenticated caller gets its
 * 401 and nothing else (no 400 or 413 that would tell it about the route). Paths under
 * paths under `publicPrefixes`, and the `publicPaths` themselves (exactly: a BASE_PATH below one
 * of them stays protected), are served without it. Who passes it is the principal "token".
 */
export function bearerTokenMiddleware(token: string, publicPrefixes: string[] = [], publicPaths: string[] = []): RequestHandler {
  const matches = bearerTokenCheck(token);
  return (request: Request, response: Response, next: NextFunction) => {
    const isPublic =
      publicPaths.includes(request.path) || publicPrefixes.some((prefix) => request.path === prefix || request.path.startsWith(`${prefix}/`));
    if (isPublic) {
      next();
      return;
    }
    if (matches(request.headers.authorization)) {
      setPrincipal(request, 'token');
      next();
      return;
    }
    refuseWithoutToken(response);
  };
}
