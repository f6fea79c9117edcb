import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { NextFunction, Request, Response } from 'express';
import { type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../../workflows-module-options';
import { WorkflowsExceptionFilter } from '../errors/workflows-exception.filter';
import { apiMountPath } from './api-mount-path';
import { HttpApiError } from './http-error-codes';

/**
 * Every path under the base path that no route matched (a switched-off route group among them)
 * is 404 ROUTE_NOT_FOUND in the envelope, as the standalone server answers it, also in a host
 * application whose own filters would answer in their format. Added when the module initializes:
 * Nest has registered every module's routes by then (a host's routes under the base path keep
 * working) and adds its own not-found handler only after. A module at the root (no base path, no
 * global prefix) leaves the host's not-found answers alone. It asks no authorization hook: the
 * route does not exist.
 */
@Injectable()
export class UnknownRoutesFallback implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions,
  ) {}

  onModuleInit(): void {
    const { httpAdapter } = this.adapterHost;
    // The host's global prefix is set before init, so it is known here.
    const mountedAt = apiMountPath(this.appConfig.getGlobalPrefix(), this.options.basePath);
    if (!httpAdapter || !this.options.http || mountedAt === '/') return;
    const filter = new WorkflowsExceptionFilter();
    httpAdapter.use(mountedAt, (request: Request, response: Response, next: NextFunction) => {
      filter.catch(new HttpApiError('ROUTE_NOT_FOUND', `No route ${request.method} ${pathOf(request.originalUrl)}`), new ExecutionContextHost([request, response, next]));
    });
  }
}

/** The path of a request target, without its query, also when it came as an absolute URL. */
function pathOf(target: string): string {
  return target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('?')[0];
}
