import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureHttpApp } from '../../src/api/configure-http-app';
import { WorkflowsClient } from '../../src/engine/workflows-client';
import { WorkflowsModule } from '../../src/workflows.module';
import type { WorkflowsModuleOptions } from '../../src/workflows-module-options';
import { createTestDatabase, type DatabaseKind } from './databases';

/**
 * The real Nest application, configured as the standalone server configures it (body limit,
 * error envelope, Swagger), on a fresh database of its own. Not listening: use supertest on
 * `app.getHttpServer()`.
 */
export async function createTestApp(kind: DatabaseKind, options: WorkflowsModuleOptions = {}) {
  // A database of its own, unless the caller shares one between several apps ("processes").
  const database = options.database?.url ? undefined : await createTestDatabase(kind);
  const moduleRef = await Test.createTestingModule({
    imports: [WorkflowsModule.forRoot({ ...options, database: { url: database?.url, ...options.database } })],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'], bodyParser: false });
  configureHttpApp(app);
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

/** Polls `read` until `done` accepts its value; fails with the last value after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
