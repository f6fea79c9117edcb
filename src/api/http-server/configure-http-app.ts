import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { HEALTH_PATH } from '../../health/health.controller';
import { METRICS_PATH } from '../../metrics/metrics.controller';
import { SWAGGER_PATHS, setupSwaggerUi } from '../docs/openapi-document';
import { WorkflowsExceptionFilter } from '../errors/workflows-exception.filter';
import { requireJsonBody } from '../validation/require-json-body';
import { bearerTokenMiddleware } from './bearer-token.middleware';

export const DEFAULT_BODY_LIMIT = '1mb';

export interface HttpAppOptions {
  bodyLimit?: string;
  /** Serve Swagger UI at /docs and the document at /docs-json (default true). */
  swagger?: boolean;
  /**
   * Require `Authorization: Bearer <token>` on every request, before its body is read; not on the
   * health probes, nor on /metrics (which has its own token, `metrics.token`).
   */
  authToken?: string;
  /** With `authToken`: serve the Swagger paths without it. */
  docsPublic?: boolean;
  /** Run first on every request (the standalone server's request ids and request log). */
  requestLogging?: RequestHandler[];
}

/**
 * What the standalone server adds around the module: request logging, the bearer token check, JSON bodies (and
 * only JSON) up to the limit, the error envelope also for unknown routes and unreadable bodies,
 * and Swagger UI. The application must be created with `bodyParser: false` (so that this limit is
 * the one that applies) and with a `WorkflowsExpressAdapter` (request timeouts, malformed requests
 * answered in the envelope).
 */
export function configureHttpApp(app: NestExpressApplication, options: HttpAppOptions = {}): void {
  // First, so that every answer (a 401 included) is logged and carries its request id.
  for (const handler of options.requestLogging ?? []) app.use(handler);
  // Health and metrics have checks of their own (metrics: METRICS_TOKEN), not the API's token.
  if (options.authToken) {
    const probes = [`${HEALTH_PATH}/live`, `${HEALTH_PATH}/ready`, METRICS_PATH];
    app.use(bearerTokenMiddleware(options.authToken, options.docsPublic ? SWAGGER_PATHS : [], probes));
  }
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new WorkflowsExceptionFilter());
  if (options.swagger ?? true) setupSwaggerUi(app);
}
