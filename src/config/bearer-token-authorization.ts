import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedException } from '@nestjs/common';
import type { AuthorizationHooks } from '../api/auth/authorization-hooks';

/** The standalone server's AUTH_TOKEN: every route needs `Authorization: Bearer <token>`. */
export function bearerTokenAuthorization(token: string): AuthorizationHooks {
  const expected = Buffer.from(`Bearer ${token}`);
  return {
    authorizeRequest: ({ headers }) => {
      const given = Buffer.from(String(headers.authorization ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new UnauthorizedException('A valid "Authorization: Bearer <token>" header is required');
      }
    },
  };
}
