import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Environment, type LogFormat, type ServerLogLevel } from './environment';
import type { RetentionPeriod } from '../engine/retention/retention-period';
import { documentedVariables } from './environment-rules';

export type { LogFormat, ServerLogLevel } from './environment';

export interface ServerConfig {
  port: number;
  /** The address the HTTP server binds to. */
  host: string;
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
  logFormat: LogFormat;
  /** Log params, outputs and event payloads (default false). */
  logPayloads: boolean;
  cursorSecret?: string;
  health: { checkTimeoutMs: number };
  metrics: { token?: string; refreshIntervalMs: number };
  /** Where spans are exported (OTLP/HTTP); unset, no SDK is started. */
  otlp?: { endpoint: string; serviceName: string };
  retention: { period?: RetentionPeriod; intervalMs: number; batchSize: number };
}

/** A configuration that cannot start the server; its message is one line naming each bad variable. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** What the environment says about where the server runs that is not a variable of its own. */
export interface Surroundings {
  /** stdout is a terminal: LOG_FORMAT defaults to pretty. */
  stdoutIsTerminal: boolean;
}

/**
 * Validates the server's variables of `env` into a typed config, or throws a ConfigurationError
 * that names every bad variable with what it must be (a secret's value is never repeated).
 */
export function parseServerEnvironment(env: Record<string, unknown>, surroundings: Surroundings = { stdoutIsTerminal: false }): ServerConfig {
  const variables = documentedVariables();
  // Only our variables, and an empty one counts as unset.
  const given = Object.fromEntries([...variables.keys()].filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const parsed = plainToInstance(Environment, given);
  const problems = validateSync(parsed).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((rule) => `${error.property} ${rule} (got ${shown(given[error.property], variables.get(error.property)?.secret)})`),
  );
  if (!problems.length && parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS (got ${parsed.HTTP_HEADERS_TIMEOUT_MS} and ${parsed.HTTP_REQUEST_TIMEOUT_MS})`,
    );
  }
  if (problems.length) throw new ConfigurationError(problems.join('; '));
  return {
    port: parsed.PORT,
    host: parsed.HOST,
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
    logFormat: parsed.LOG_FORMAT ?? (surroundings.stdoutIsTerminal ? 'pretty' : 'json'),
    logPayloads: parsed.LOG_PAYLOADS,
    cursorSecret: parsed.CURSOR_SECRET,
    health: { checkTimeoutMs: parsed.HEALTH_CHECK_TIMEOUT_MS },
    metrics: { token: parsed.METRICS_TOKEN, refreshIntervalMs: parsed.METRICS_REFRESH_INTERVAL_MS },
    retention: { period: parsed.RETENTION_PERIOD as RetentionPeriod | undefined, intervalMs: parsed.RETENTION_INTERVAL_MS, batchSize: parsed.RETENTION_BATCH_SIZE },
    ...(parsed.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlp: { endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: parsed.OTEL_SERVICE_NAME } } : {}),
  };
}

/** A bad value as the message repeats it: a secret only by its length. */
function shown(value: unknown, secret = false): string {
  if (secret) return `${String(value).length} characters`;
  // A URL's password is a secret even in a URL that is wrong otherwise (postgress://app:pw@db/x).
  return JSON.stringify(typeof value === 'string' ? value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@') : value);
}
