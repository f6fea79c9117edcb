import type { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { parseServerEnvironment, type ServerConfig } from './server-config';

/** What `ConfigService` holds in the standalone server: `config.get('server', { infer: true })`. */
export interface ServerConfigValues {
  server: ServerConfig;
}

export interface ServerConfiguration {
  config: ServerConfig;
  /** The global ConfigModule holding the same config, for the application's imports. */
  module: DynamicModule;
}

/**
 * Reads and validates the process environment once, in ConfigModule's `validate`, before the
 * application exists: main.ts needs the HTTP timeouts to create the adapter, and the module
 * imported by the application serves the very same result. The only reader of `process.env`
 * (apart from the CLI, a separate program).
 */
export async function loadServerConfiguration(): Promise<ServerConfiguration> {
  let config: ServerConfig | undefined;
  const module = await ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    cache: true,
    // Returned under one key whose value is not text, so ConfigModule writes nothing back to process.env.
    validate: (env): ServerConfigValues => ({ server: (config = parseServerEnvironment(env, { stdoutIsTerminal: process.stdout.isTTY === true })) }),
  });
  return { config: config!, module };
}
