import type { AuthorizationKind, ManagedAction } from './authorization-hooks';

export const ROUTE_AUTHORIZATION = 'workflows:route-authorization';

/** What a route tells its guards (through `@Authorize`): which hook is its own, and what that hook is told. */
export interface RouteAuthorization {
  kind: AuthorizationKind;
  /** Management routes: the action the hook is asked about. */
  action?: ManagedAction;
  /** Creation routes: the body is a batch (`{ instances: [...] }`), not one instance. */
  batch?: boolean;
}
