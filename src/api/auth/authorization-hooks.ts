import type { ManagementAction } from '../../engine/lifecycle/transitions';

/** What `authorizeManagement` is asked about: one of the status actions, or deleting the instance. */
export type ManagedAction = ManagementAction | 'delete';

/** What every hook receives: the request as it arrived (before validation). */
export interface RequestContext {
  method: string;
  /** The route pattern including the base path, e.g. `/api/workflows/workflows/:workflowName/instances`. */
  route: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Allow by returning nothing, `true`, or `{ principal }` (who is acting, for the audit trail);
 * deny with `false` (403) or by throwing an HttpException.
 */
export type HookDecision = void | boolean | { principal: string };
export type HookResult = HookDecision | Promise<HookDecision>;

export interface AuthorizationHooks {
  /** Runs for every route, before the route's own hook. */
  authorizeRequest?(context: RequestContext): HookResult;
  /** create and batch. */
  authorizeInstanceCreation?(
    context: RequestContext & { workflowName: string; instances: { id?: unknown; params?: unknown }[] },
  ): HookResult;
  /** pause, resume, restart, terminate, delete. */
  authorizeManagement?(context: RequestContext & { workflowName: string; instanceId: string; action: ManagedAction }): HookResult;
  authorizeSendEvent?(
    context: RequestContext & { workflowName: string; instanceId: string; eventType: unknown; payload: unknown },
  ): HookResult;
  authorizeRunnerTick?(context: RequestContext & { options: unknown }): HookResult;
  /** list workflows, list and get instances, history. */
  authorizeRead?(context: RequestContext & { workflowName?: string; instanceId?: string }): HookResult;
}

export type AuthorizationKind = 'read' | 'creation' | 'management' | 'sendEvent' | 'runnerTick';
