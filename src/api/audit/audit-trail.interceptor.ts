import { type CallHandler, type ExecutionContext, Inject, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { type Observable, tap } from 'rxjs';
import { EngineError } from '../../engine/errors';
import { WORKFLOWS_OPTIONS, type ResolvedWorkflowsOptions } from '../../workflows-module-options';
import { principalOf } from '../auth/principal';
import { ROUTE_AUTHORIZATION, type RouteAuthorization } from '../auth/route-authorization';
import { HttpApiError } from '../http-server/http-error-codes';

/**
 * The audit trail: every management action (a route of kind `management`, by its action's name)
 * and every event sent, logged at info once it is answered, with who asked (the principal the
 * authorization hooks saw) and how it went. An event's payload is logged only with `logPayloads`.
 * Requests the guards refused never reach this point: their 401/403 is in the request log.
 */
@Injectable()
export class AuditTrailInterceptor implements NestInterceptor {
  private readonly logger = new Logger('WorkflowsAudit');

  constructor(
    private readonly reflector: Reflector,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<RouteAuthorization | undefined>(ROUTE_AUTHORIZATION, execution.getHandler());
    const action = route?.kind === 'sendEvent' ? 'event' : route?.action;
    if (!action) return next.handle();
    const request = execution.switchToHttp().getRequest<Request>();
    const params = request.params as Record<string, string>;
    const body = (request.body ?? {}) as { type?: unknown; payload?: unknown };
    const requestId = (request as { id?: unknown }).id;
    const fields = {
      ...(requestId !== undefined ? { reqId: String(requestId) } : {}),
      action,
      workflowName: params.workflowName,
      instanceId: params.instanceId,
      principal: principalOf(request),
      ...(action === 'event' ? { eventType: body.type } : {}),
      // A forced delete ends a live instance first (a step in flight is lost): the trail says so.
      ...(action === 'delete' ? { force: (request.query as { force?: unknown }).force === 'true' } : {}),
      ...(action === 'event' && this.options.logPayloads ? { payload: body.payload } : {}),
    };
    const what = `${action} ${fields.workflowName}/${fields.instanceId} by ${fields.principal}`;
    return next.handle().pipe(
      tap({
        next: (answer) => {
          const eventId = action === 'event' ? (answer as { event?: { id?: unknown } } | undefined)?.event?.id : undefined;
          this.logger.log({ msg: `Audit: ${what}`, audit: true, ...fields, ...(eventId ? { eventId } : {}), outcome: 'ok' });
        },
        error: (error: unknown) => this.logger.log({ msg: `Audit: ${what} failed: ${codeOf(error)}`, audit: true, ...fields, outcome: codeOf(error) }),
      }),
    );
  }
}

function codeOf(error: unknown): string {
  return error instanceof EngineError || error instanceof HttpApiError ? error.code : 'ERROR';
}
