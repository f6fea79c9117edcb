import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadServerConfig, type ServerConfig } from './config/server-config';

/** Nest's levels from the most to the least severe; LOG_LEVEL keeps that one and those above it. */
const SEVERITY: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function logLevels(config: ServerConfig): LogLevel[] {
  const level: LogLevel = config.logLevel === 'info' ? 'log' : config.logLevel;
  return SEVERITY.slice(0, SEVERITY.indexOf(level) + 1);
}

async function bootstrap(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadServerConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: logLevels(config) });
  app.enableShutdownHooks();
  await app.listen(config.port);
  new Logger('Server').log(`Listening on http://localhost:${config.port}${config.basePath}`);
}

void bootstrap();
