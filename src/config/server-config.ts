import { plainToInstance, Transform } from 'class-transformer';
import { DEFAULT_HTTP_TIMEOUTS } from '../api/http-server/workflows-express-adapter';
import { toBoolean, toInteger } from '../common/value-transforms';
import { RUNNER_DEFAULTS } from '../engine/runner/runner-defaults';
import { DEFAULT_BASE_PATH } from '../workflows-module-options';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type ServerLogLevel = (typeof LOG_LEVELS)[number];


/** The standalone server's environment (README, Configuration), validated once at start-up. */
class Environment {
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString() @Matches(/^(\/[A-Za-z0-9._~-]+)+$/, { message: 'BASE_PATH must look like /api/workflows' })
  BASE_PATH = DEFAULT_BASE_PATH;

  @IsOptional() @IsString() @Matches(/^(postgres(ql)?:\/\/.+|sqlite:.+)$/, {
    message: 'DATABASE_URL must be postgres://…, postgresql://… or sqlite:<path>',
  })
  DATABASE_URL?: string;

  @IsOptional() @IsString()
  WORKFLOWS_PATH?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  EXAMPLES = true;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  RUNNER_ENABLED = true;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(10) @Max(3_600_000)
  RUNNER_POLL_INTERVAL_MS: number = RUNNER_DEFAULTS.pollIntervalMs;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(1000)
  RUNNER_CONCURRENCY: number = RUNNER_DEFAULTS.concurrency;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1000) @Max(3_600_000)
  RUNNER_LEASE_MS: number = RUNNER_DEFAULTS.leaseMs;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(3_600_000)
  RUNNER_SHUTDOWN_GRACE_MS: number = RUNNER_DEFAULTS.shutdownGraceMs;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  ENABLE_RUNNER_TICK = false;

  @IsOptional() @IsString() @MinLength(1)
  AUTH_TOKEN?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  DOCS_PUBLIC = false;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(100) @Max(3_600_000)
  HTTP_HEADERS_TIMEOUT_MS: number = DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(100) @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs;

  @IsOptional() @IsIn(LOG_LEVELS)
  LOG_LEVEL: ServerLogLevel = 'info';

  @IsOptional() @IsString() @MinLength(16)
  CURSOR_SECRET?: string;
}

const VARIABLES: (keyof Environment)[] = [
  'PORT',
  'BASE_PATH',
  'DATABASE_URL',
  'WORKFLOWS_PATH',
  'EXAMPLES',
  'RUNNER_ENABLED',
  'RUNNER_POLL_INTERVAL_MS',
  'RUNNER_CONCURRENCY',
  'RUNNER_LEASE_MS',
  'RUNNER_SHUTDOWN_GRACE_MS',
  'ENABLE_RUNNER_TICK',
  'AUTH_TOKEN',
  'DOCS_PUBLIC',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'LOG_LEVEL',
  'CURSOR_SECRET',
];

export interface ServerConfig {
  port: number;
  basePath: string;
  databaseUrl?: string;
  workflowsPaths: string[];
  examples: boolean;
  runner: { enabled: boolean; pollIntervalMs: number; concurrency: number; leaseMs: number; shutdownGraceMs: number };
  enableRunnerTick: boolean;
  authToken?: string;
  docsPublic: boolean;
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  logLevel: ServerLogLevel;
  cursorSecret?: string;
}

/** Validates the environment into a typed config, or throws one error listing every bad value. */
export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  // Only our variables, and an empty one counts as unset.
  const known = Object.fromEntries(
    VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]),
  );
  const parsed = plainToInstance(Environment, known);
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length) {
    const lines = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) => `  ${error.property}=${JSON.stringify(env[error.property])}: ${message}`),
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS) {
    throw new Error('Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS');
  }
  return {
    port: parsed.PORT,
    basePath: parsed.BASE_PATH,
    databaseUrl: parsed.DATABASE_URL,
    workflowsPaths: (parsed.WORKFLOWS_PATH ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    examples: parsed.EXAMPLES,
    runner: {
      enabled: parsed.RUNNER_ENABLED,
      pollIntervalMs: parsed.RUNNER_POLL_INTERVAL_MS,
      concurrency: parsed.RUNNER_CONCURRENCY,
      leaseMs: parsed.RUNNER_LEASE_MS,
      shutdownGraceMs: parsed.RUNNER_SHUTDOWN_GRACE_MS,
    },
    enableRunnerTick: parsed.ENABLE_RUNNER_TICK,
    authToken: parsed.AUTH_TOKEN,
    docsPublic: parsed.DOCS_PUBLIC,
    http: { headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS },
    logLevel: parsed.LOG_LEVEL,
    cursorSecret: parsed.CURSOR_SECRET,
  };
}
