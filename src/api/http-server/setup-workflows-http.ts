import { HttpException, type INestApplication } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { json, type ErrorRequestHandler } from 'express';
import { type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../../workflows-module-options';
import { WorkflowsExceptionFilter } from '../errors/workflows-exception.filter';
import { requireJsonBody } from '../validation/require-json-body';
import { apiMountPath } from './api-mount-path';

/** Body parser errors carry their status; the envelope filter reads HTTP errors. */
function asHttpException(error: unknown): unknown {
  const status = (error as { status?: unknown }).status;
  if (error instanceof HttpException || typeof status !== 'number') return error;
  return new HttpException((error as Error).message, status, { cause: error });
}

/**
 * Request bodies of the workflows API in a host application, as the standalone server reads them:
 * JSON only, up to `http.bodyLimit` (default 1 MiB), errors in the `{ message, code }` envelope.
 * Call it before `app.listen()`, after any `setGlobalPrefix`: it runs ahead of Nest's own body
 * parser (which a host keeps for its other routes, with their limit) but only where the module's
 * routes are (the global prefix, then `basePath`).
 */
export function setupWorkflowsHttp(app: INestApplication): void {
  const options = app.get<ResolvedWorkflowsOptions>(WORKFLOWS_OPTIONS);
  if (!options.http) return;
  const filter = new WorkflowsExceptionFilter();
  const inEnvelope: ErrorRequestHandler = (error, request, response, next) =>
    filter.catch(asHttpException(error), new ExecutionContextHost([request, response, next]));
  const mountedAt = apiMountPath(app.get(ApplicationConfig).getGlobalPrefix(), options.basePath);
  app.use(mountedAt, requireJsonBody, json({ limit: options.http.bodyLimit, type: ['application/json', 'application/*+json'] }), inEnvelope);
}
