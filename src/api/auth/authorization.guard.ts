import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { HttpApiError } from '../http-server/http-error-codes';
import { WORKFLOWS_OPTIONS, type ResolvedWorkflowsOptions } from '../../workflows-module-options';
import type { AuthorizationHooks, AuthorizationKind, HookResult, RequestContext } from './authorization-hooks';
import { setPrincipal } from './principal';
import { ROUTE_AUTHORIZATION, type RouteAuthorization } from './route-authorization';

type HookCall = (hooks: AuthorizationHooks, context: RequestContext, route: RouteAuthorization) => HookResult;

/** Each route kind's dedicated hook, with the extra context it is given. */
const DEDICATED: Record<AuthorizationKind, HookCall> = {
  read: (hooks, c) => hooks.authorizeRead?.({ ...c, workflowName: c.params.workflowName, instanceId: c.params.instanceId }),
  creation: (hooks, c, route) => {
    const body = (c.body ?? {}) as { instances?: unknown };
    const instances = route.batch ? (Array.isArray(body.instances) ? body.instances : []) : [c.body ?? {}];
    return hooks.authorizeInstanceCreation?.({ ...c, workflowName: c.params.workflowName, instances });
  },
  management: (hooks, c, route) =>
    hooks.authorizeManagement?.({ ...c, workflowName: c.params.workflowName, instanceId: c.params.instanceId, action: route.action! }),
  sendEvent: (hooks, c) => {
    const body = (c.body ?? {}) as { type?: unknown; payload?: unknown };
    return hooks.authorizeSendEvent?.({
      ...c,
      workflowName: c.params.workflowName,
      instanceId: c.params.instanceId,
      eventType: body.type,
      payload: body.payload,
    });
  },
  runnerTick: (hooks, c) => hooks.authorizeRunnerTick?.({ ...c, options: c.body ?? {} }),
};

/**
 * A hook returning `false` is a 403; a hook throwing an HttpException answers with that exception.
 * A principal it returns is the request's from then on (the route's hook may name a narrower one).
 */
async function allow(result: HookResult, execution: ExecutionContext): Promise<true> {
  const decision = await result;
  if (decision === false) throw new HttpApiError('FORBIDDEN', 'Not allowed');
  if (typeof decision === 'object' && decision !== null && typeof decision.principal === 'string') {
    setPrincipal(execution.switchToHttp().getRequest<Request>(), decision.principal);
  }
  return true;
}

/** `authorizeRequest`, which every route runs first. */
@Injectable()
export class RequestAuthorizationGuard implements CanActivate {
  constructor(@Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions) {}

  canActivate(execution: ExecutionContext): Promise<boolean> {
    return allow(this.options.authorization?.authorizeRequest?.(requestContext(execution)), execution);
  }
}

/** The hook of the route's own kind, as its `@Authorize` metadata names it. */
@Injectable()
export class RouteAuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions,
  ) {}

  canActivate(execution: ExecutionContext): Promise<boolean> {
    const hooks = this.options.authorization;
    if (!hooks) return Promise.resolve(true);
    const route = this.reflector.get<RouteAuthorization>(ROUTE_AUTHORIZATION, execution.getHandler());
    return allow(DEDICATED[route.kind](hooks, requestContext(execution), route), execution);
  }
}

function requestContext(execution: ExecutionContext): RequestContext {
  const request = execution.switchToHttp().getRequest<Request>();
  const route = String((request.route as { path?: unknown } | undefined)?.path ?? request.path);
  return {
    method: request.method,
    route,
    params: { ...(request.params as Record<string, string>) },
    query: { ...(request.query as Record<string, unknown>) },
    headers: request.headers,
    body: request.body,
  };
}
