import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../docs/error-envelope.dto';
import type { AuthorizationKind } from './authorization-hooks';
import { AuthorizationGuard } from './authorization.guard';

export const AUTHORIZATION_KIND = 'workflows:authorization-kind';

/** Guards a route with `authorizeRequest` and the hook of its kind. */
export function Authorize(kind: AuthorizationKind) {
  return applyDecorators(
    SetMetadata(AUTHORIZATION_KIND, kind),
    UseGuards(AuthorizationGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: '`UNAUTHORIZED`: an authorization hook denied (e.g. missing or wrong bearer token).', type: ErrorEnvelopeDto }),
    ApiForbiddenResponse({ description: '`FORBIDDEN`: an authorization hook denied.', type: ErrorEnvelopeDto }),
  );
}
