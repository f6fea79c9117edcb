import { applyDecorators, type CanActivate, SetMetadata, type Type, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AuditTrailInterceptor } from '../audit/audit-trail.interceptor';
import { RequestAuthorizationGuard, RouteAuthorizationGuard } from './authorization.guard';
import { ROUTE_AUTHORIZATION, type RouteAuthorization } from './route-authorization';

/**
 * Guards a route: `authorizeRequest` first, then the `gates` (a route that is switched off says
 * so only to a caller `authorizeRequest` let through), then the route's own hook. Management
 * actions and events sent go into the audit trail, with the principal the hooks saw.
 */
export function Authorize(route: RouteAuthorization, gates: Type<CanActivate>[] = []) {
  return applyDecorators(
    SetMetadata(ROUTE_AUTHORIZATION, route),
    UseGuards(RequestAuthorizationGuard, ...gates, RouteAuthorizationGuard),
    ...(route.kind === 'management' || route.kind === 'sendEvent' ? [UseInterceptors(AuditTrailInterceptor)] : []),
    // Its 401 and 403 answers are documented with the route's other errors (ApiErrors).
    ApiBearerAuth(),
  );
}
