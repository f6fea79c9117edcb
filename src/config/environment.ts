import { DEFAULT_HTTP_TIMEOUTS } from '../api/http-server/workflows-express-adapter';
import { RUNNER_DEFAULTS } from '../engine/runner/runner-defaults';
import { DEFAULT_SERVICE_NAME } from '../observability/tracing/tracing-options';
import { DEFAULT_BASE_PATH } from '../workflows-module-options';
import { DatabaseUrl, Flag, HostAddress, Matching, Milliseconds, OneOf, Period, Secret, Text, WholeNumber } from './environment-rules';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type ServerLogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const HOUR_MS = 3_600_000;

/**
 * Every environment variable the standalone server reads, with its rule and default: the one
 * schema (README, Configuration). Declaration order is the README table's order.
 */
export class Environment {
  @WholeNumber({ default: '`3000`' }, 0, 65535)
  PORT = 3000;

  @HostAddress({ default: '`0.0.0.0`' })
  HOST = '0.0.0.0';

  @Matching({ default: `\`${DEFAULT_BASE_PATH}\`` }, /^(\/[A-Za-z0-9._~-]+)+$/, 'must be a path like /api/workflows')
  BASE_PATH = DEFAULT_BASE_PATH;

  @DatabaseUrl({ default: 'unset: SQLite `./data/workflows.sqlite`' })
  DATABASE_URL?: string;

  @Text({ default: 'unset' })
  WORKFLOWS_PATH?: string;

  @Flag({ default: '`true`' })
  EXAMPLES = true;

  @Flag({ default: '`true`' })
  RUNNER_ENABLED = true;

  @Milliseconds({ default: `\`${RUNNER_DEFAULTS.pollIntervalMs}\`` }, 10, HOUR_MS)
  RUNNER_POLL_INTERVAL_MS: number = RUNNER_DEFAULTS.pollIntervalMs;

  @WholeNumber({ default: `\`${RUNNER_DEFAULTS.concurrency}\`` }, 1, 1000)
  RUNNER_CONCURRENCY: number = RUNNER_DEFAULTS.concurrency;

  @Milliseconds({ default: `\`${RUNNER_DEFAULTS.leaseMs}\`` }, 1000, HOUR_MS)
  RUNNER_LEASE_MS: number = RUNNER_DEFAULTS.leaseMs;

  @Milliseconds({ default: `\`${RUNNER_DEFAULTS.shutdownGraceMs}\`` }, 0, HOUR_MS)
  RUNNER_SHUTDOWN_GRACE_MS: number = RUNNER_DEFAULTS.shutdownGraceMs;

  @Flag({ default: '`false`' })
  ENABLE_RUNNER_TICK = false;

  @Secret({ default: 'unset' }, 1)
  AUTH_TOKEN?: string;

  @Flag({ default: '`false`' })
  DOCS_PUBLIC = false;

  @Milliseconds({ default: `\`${DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs}\`` }, 100, HOUR_MS)
  HTTP_HEADERS_TIMEOUT_MS: number = DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs;

  @Milliseconds({ default: `\`${DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs}\`` }, 100, HOUR_MS)
  HTTP_REQUEST_TIMEOUT_MS: number = DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs;

  @OneOf({ default: '`info`' }, LOG_LEVELS)
  LOG_LEVEL: ServerLogLevel = 'info';

  @OneOf({ default: '`json` when stdout is not a terminal, `pretty` when it is' }, LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  @Flag({ default: '`false`' })
  LOG_PAYLOADS = false;

  @Secret({ default: 'generated' }, 16)
  CURSOR_SECRET?: string;

  @Milliseconds({ default: '`2000`' }, 100, 60_000)
  HEALTH_CHECK_TIMEOUT_MS = 2000;

  @Secret({ default: 'unset' }, 1)
  METRICS_TOKEN?: string;

  @Milliseconds({ default: '`15000`' }, 1000, HOUR_MS)
  METRICS_REFRESH_INTERVAL_MS = 15_000;

  @Matching({ default: 'unset' }, /^https?:\/\/[^\s/]+/, 'must be an http(s) URL like http://collector:4318')
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @Text({ default: `\`${DEFAULT_SERVICE_NAME}\`` })
  OTEL_SERVICE_NAME = DEFAULT_SERVICE_NAME;

  @Period({ default: 'unset' })
  RETENTION_PERIOD?: string;

  @Milliseconds({ default: '`60000`' }, 1000, 24 * HOUR_MS)
  RETENTION_INTERVAL_MS = 60_000;

  @WholeNumber({ default: '`500`' }, 1, 10_000)
  RETENTION_BATCH_SIZE = 500;
}
