import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from './api/http-server/configure-http-app';
import { WorkflowsExpressAdapter } from './api/http-server/workflows-express-adapter';
import { AppModule } from './app.module';
import { loadWorkflowModules } from './config/load-workflow-modules';
import { loadServerConfig, type ServerConfig } from './config/server-config';

/** Nest's levels from the most to the least severe; LOG_LEVEL keeps that one and those above it. */
const SEVERITY: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function logLevels(config: ServerConfig): LogLevel[] {
  const level: LogLevel = config.logLevel === 'info' ? 'log' : config.logLevel;
  return SEVERITY.slice(0, SEVERITY.indexOf(level) + 1);
}

async function bootstrap(): Promise<void> {
  const config = loadServerConfig(process.env);
  const workflows = await loadWorkflowModules(config.workflowsPaths);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, workflows), new WorkflowsExpressAdapter(config.http), {
    logger: logLevels(config),
    bodyParser: false,
    // Start-up errors are thrown to the handler below, which says what failed in one line.
    abortOnError: false,
  });
  configureHttpApp(app, { authToken: config.authToken, docsPublic: config.docsPublic });
  // SIGTERM/SIGINT: drain the runner and close the database, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port);
  const logger = new Logger('Server');
  logger.log(`API on http://localhost:${config.port}${config.basePath}, Swagger UI on http://localhost:${config.port}/docs`);
}

bootstrap().catch((error: Error) => {
  // Start-up errors (configuration, WORKFLOWS_PATH, database) are the operator's to fix: say what, not where.
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
