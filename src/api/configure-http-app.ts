import type { NestExpressApplication } from '@nestjs/platform-express';
import { setupSwaggerUi } from './docs/openapi-document';
import { WorkflowsExceptionFilter } from './errors/workflows-exception.filter';
import { requireJsonBody } from './validation/require-json-body';

export const DEFAULT_BODY_LIMIT = '1mb';

/**
 * What the standalone server adds around the module: JSON bodies (and only JSON) up to the limit, the error
 * envelope also for unknown routes and unreadable bodies, and Swagger UI. The application must
 * be created with `bodyParser: false` so that this limit is the one that applies.
 */
export function configureHttpApp(app: NestExpressApplication, options: { bodyLimit?: string; swagger?: boolean } = {}): void {
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new WorkflowsExceptionFilter());
  if (options.swagger ?? true) setupSwaggerUi(app);
}
