import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { HTTP_API_MODULES } from '../http-api';

/** The OpenAPI document of the workflows API, built from the controllers' decorators. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Durable Workflows API')
    .setDescription(
      'Create and manage durable workflow instances: steps that retry, sleeps that survive restarts, waits for events. ' +
        'Every error is `{ message, code, details? }` with a stable `code`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'A static token: needed when the server has AUTH_TOKEN set (or as your authorization hooks require).' })
    .build();
  return SwaggerModule.createDocument(app, config, { include: HTTP_API_MODULES, operationIdFactory: (_c, method) => method });
}

/** Where Swagger UI and the document are served (the UI's assets live under the first). */
export const SWAGGER_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/** Swagger UI at `/<path>` (default `/docs`), the document at `/<path>-json` (and `/<path>-yaml`). */
export function setupSwaggerUi(app: INestApplication, path = 'docs'): void {
  const prefix = path.replace(/^\/+|\/+$/g, '');
  SwaggerModule.setup(prefix, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: `${prefix}-json`,
    yamlDocumentUrl: `${prefix}-yaml`,
    customSiteTitle: 'Durable Workflows API',
  });
}
