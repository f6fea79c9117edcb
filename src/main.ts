import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from './api/http-server/configure-http-app';
import { WorkflowsExpressAdapter } from './api/http-server/workflows-express-adapter';
import { AppModule } from './app.module';
import { loadWorkflowFiles } from './config/load-workflow-modules';
import { loadServerConfiguration } from './config/server-config.module';
import { WORKFLOW_STORE } from './core/tokens';
import { exampleWorkflows } from './examples';
import type { SqlWorkflowStore } from './persistence/sql-workflow-store';
import { PinoNestLogger } from './server/logging/pino-nest-logger';
import { requestLogging } from './server/logging/request-logging';
import { createServerLogger } from './server/logging/server-logger';
import { describeDatabase } from './server/startup/database-description';
import { startupFailureMessage } from './server/startup/startup-failure';
import { originOf, packageVersion, startupReport } from './server/startup/startup-report';
import { registeredWorkflows } from './server/startup/registered-workflows';

/** Nest's own start-up chatter (modules loaded, routes mapped): debug, so the start-up block stands out. */
const NEST_START_UP = ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'];

let databaseUrl: string | undefined;

async function bootstrap(): Promise<void> {
  const configuration = await loadServerConfiguration();
  const { config } = configuration;
  databaseUrl = config.databaseUrl;
  const logger = new PinoNestLogger(createServerLogger({ level: config.logLevel, format: config.logFormat }), {
    demoted: NEST_START_UP,
    // Nest logs a failed start-up's error object here before throwing it to the handler below,
    // which says what failed in one line.
    dropped: ['ExceptionHandler'],
  });
  const examples = config.examples ? exampleWorkflows : [];
  const modules = await loadWorkflowFiles(config.workflowsPaths, (message) => logger.warn(message, 'WorkflowsPath'));
  const workflows = [...examples, ...modules.flatMap((module) => module.workflows)];
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(configuration, workflows), new WorkflowsExpressAdapter(config.http), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, {
    authToken: config.authToken,
    docsPublic: config.docsPublic,
    requestLogging: requestLogging({ logger: logger.pino, payloads: config.logPayloads }),
  });
  // SIGTERM/SIGINT: drain the runner and close the database, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const report = startupReport({
    version: packageVersion(),
    database: describeDatabase(config.databaseUrl),
    migrations: app.get<SqlWorkflowStore>(WORKFLOW_STORE).migrationsApplied,
    workflows: registeredWorkflows(examples, modules),
    runner: { enabled: config.runner.enabled, concurrency: config.runner.concurrency },
    origin: originOf(config.host, port),
    basePath: config.basePath,
  });
  new Logger('Server').log(report);
}

bootstrap().catch((error: unknown) => {
  // Start-up errors (configuration, WORKFLOWS_PATH, database) are the operator's to fix: say what, not where.
  process.stderr.write(`Start-up failed: ${startupFailureMessage(error, databaseUrl)}\n`);
  process.exit(1);
});
