import { applyDecorators, type CanActivate, SetMetadata, type Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
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
    // Its 401 and 403 answers are documented with the route's other errors (ApiErrors).
    ApiBearerAuth(),
  );
}
