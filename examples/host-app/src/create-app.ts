import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { setupWorkflowsHttp, setupWorkflowsSwagger } from 'durable-workflows';
import { AppModule } from './app.module';

/** The host application: its module, the workflows API's bodies and errors, Swagger at /docs. */
export async function createApp(): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  setupWorkflowsHttp(app);
  setupWorkflowsSwagger(app, 'docs');
  app.enableShutdownHooks();
  return app;
}
