import { applyDecorators, type CanActivate, SetMetadata, type Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../docs/error-envelope.dto';
import { RequestAuthorizationGuard, RouteAuthorizationGuard } from './authorization.guard';
import { ROUTE_AUTHORIZATION, type RouteAuthorization } from './route-authorization';

/**
 * Guards a route: `authorizeRequest` first, then the `gates` (a route that is switched off says
 * so only to a caller `authorizeRequest` let through), then the route's own hook.
 */
export function Authorize(route: RouteAuthorization, gates: Type<CanActivate>[] = []) {
  return applyDecorators(
    SetMetadata(ROUTE_AUTHORIZATION, route),
    UseGuards(RequestAuthorizationGuard, ...gates, RouteAuthorizationGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: '`UNAUTHORIZED`: an authorization hook denied (e.g. missing or wrong bearer token).', type: ErrorEnvelopeDto }),
    ApiForbiddenResponse({ description: '`FORBIDDEN`: an authorization hook denied.', type: ErrorEnvelopeDto }),
  );
}
