import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureHttpApp, type HttpAppOptions } from '../../src/api/http-server/configure-http-app';
import { type HttpTimeouts, WorkflowsExpressAdapter } from '../../src/api/http-server/workflows-express-adapter';
import { WorkflowsClient } from '../../src/engine/workflows-client';
import { WorkflowsModule } from '../../src/workflows.module';
import type { WorkflowsModuleOptions } from '../../src/workflows-module-options';
import { createTestDatabase, type DatabaseKind } from './databases';

/**
 * The real Nest application, configured as the standalone server configures it (body limit,
 * error envelope, Swagger), on a fresh database of its own. Not listening: use supertest on
 * `app.getHttpServer()`.
 */
export async function createTestApp(
  kind: DatabaseKind,
  options: WorkflowsModuleOptions = {},
  { timeouts, ...http }: HttpAppOptions & { timeouts?: HttpTimeouts } = {},
) {
  // A database of its own, unless the caller shares one between several apps ("processes").
  const database = options.database?.url ? undefined : await createTestDatabase(kind);
  const moduleRef = await Test.createTestingModule({
    imports: [WorkflowsModule.forRoot({ ...options, database: { url: database?.url, ...options.database } })],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(new WorkflowsExpressAdapter(timeouts), { logger: ['error'], bodyParser: false });
  configureHttpApp(app, http);
  await app.init();
  return {
    app,
    http: app.getHttpServer(),
    client: app.get(WorkflowsClient),
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** `createTestApp` for the tests of the describe it is called in; every app made is closed after each test. */
export function appsClosedAfterEach(): (...args: Parameters<typeof createTestApp>) => Promise<TestApp> {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((created) => created.close()));
  });
  return async (...args) => {
    const created = await createTestApp(...args);
    apps.push(created);
    return created;
  };
}

