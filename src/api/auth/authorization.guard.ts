import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { EngineError } from '../../engine/errors';
import type { ManagementAction } from '../../engine/lifecycle/transitions';
import { WORKFLOWS_OPTIONS, type WorkflowsModuleOptions } from '../../workflows-module-options';
import type { AuthorizationHooks, AuthorizationKind, HookResult, RequestContext } from './authorization-hooks';
import { AUTHORIZATION_KIND } from './authorize.decorator';

type HookCall = (hooks: AuthorizationHooks, context: RequestContext) => HookResult;

/** Each route kind's dedicated hook, with the extra context SPEC section 4 gives it. */
const DEDICATED: Record<AuthorizationKind, HookCall> = {
  read: (hooks, c) => hooks.authorizeRead?.({ ...c, workflowName: c.params.workflowName, instanceId: c.params.instanceId }),
  creation: (hooks, c) => {
    const body = (c.body ?? {}) as { instances?: unknown };
    const instances = c.route.endsWith('/batch') ? (Array.isArray(body.instances) ? body.instances : []) : [c.body ?? {}];
    return hooks.authorizeInstanceCreation?.({ ...c, workflowName: c.params.workflowName, instances });
  },
  management: (hooks, c) =>
    hooks.authorizeManagement?.({
      ...c,
      workflowName: c.params.workflowName,
      instanceId: c.params.instanceId,
      action: c.route.split('/').pop() as ManagementAction,
    }),
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
 * Maps a route to its authorization hooks: `authorizeRequest` first, then the route's own. A hook
 * returning `false` is a 403; a hook throwing an HttpException answers with that exception.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: WorkflowsModuleOptions,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const hooks = this.options.authorization;
    if (!hooks) return true;
    const kind = this.reflector.get<AuthorizationKind>(AUTHORIZATION_KIND, execution.getHandler());
    const context = requestContext(execution.switchToHttp().getRequest<Request>());
    if ((await hooks.authorizeRequest?.(context)) === false || (await DEDICATED[kind](hooks, context)) === false) {
      throw new EngineError('FORBIDDEN', 'Not allowed');
    }
    return true;
  }
}

function requestContext(request: Request): RequestContext {
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
