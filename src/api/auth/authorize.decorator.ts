import { applyDecorators, type CanActivate, SetMetadata, type Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../docs/error-envelope.dto';
import type { AuthorizationKind } from './authorization-hooks';
import { AuthorizationGuard } from './authorization.guard';

export const AUTHORIZATION_KIND = 'workflows:authorization-kind';

/**
 * Guards a route with `authorizeRequest` and the hook of its kind; `before` are guards that must
 * answer first (a route that is switched off says so before anyone is asked about it).
 */
export function Authorize(kind: AuthorizationKind, before: Type<CanActivate>[] = []) {
  return applyDecorators(
    SetMetadata(AUTHORIZATION_KIND, kind),
    UseGuards(...before, AuthorizationGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: '`UNAUTHORIZED`: an authorization hook denied (e.g. missing or wrong bearer token).', type: ErrorEnvelopeDto }),
    ApiForbiddenResponse({ description: '`FORBIDDEN`: an authorization hook denied.', type: ErrorEnvelopeDto }),
  );
}
