import type { FactoryProvider, ModuleMetadata, Provider } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { AuthorizationHooks } from './api/auth/authorization-hooks';
import type { WorkflowSource } from './engine/definition/registry';
import { DEFAULT_LIMITS, type EngineLimits } from './engine/limits';
import { RETENTION_DEFAULTS, type RetentionOptions } from './engine/retention/retention-purge';
import { RUNNER_DEFAULTS } from './engine/runner/runner-defaults';
import type { DatabaseOptions } from './persistence/data-source-options';
import type { TracingOptions } from './observability/tracing/tracing-options';

export interface RunnerOptions {
  /** Run the scheduled in-process runner (default true); false makes an API-only process. */
  enabled: boolean;
  /** Safety-net poll when no wake-up arrives (default 1000 ms, with ±20% jitter). */
  pollIntervalMs: number;
  /** Runs advanced in parallel by this process (default 10). */
  concurrency: number;
  /** How long a claim holds a run before another process may take it over (default 30 s). */
  leaseMs: number;
  /** On shutdown, how long in-flight steps may take to finish (default 10 s). */
  shutdownGraceMs: number;
  /** Steps one claim may execute before the run goes back in the queue (default 100). */
  maxStepsPerClaim: number;
}

/** `GET /health/live` and `GET /health/ready`, at the application's root. */
export interface HealthOptions {
  /** How long each readiness check may take before it counts as down (default 2000 ms). */
  checkTimeoutMs: number;
}

/** `GET /metrics` (Prometheus), at the application's root. */
export interface MetricsOptions {
  /** Require `Authorization: Bearer <token>` on /metrics (default: open). */
  token?: string;
  /** How often instance counts and the due queue are read for their gauges (default 15 s). */
  refreshIntervalMs: number;
  /** Register the metrics in this prom-client registry instead of one of the module's own. */
  registry?: Registry;
}

export interface RetentionSchedule extends RetentionOptions {
  /** How often the runner process looks for expired instances (default 60 s, with ±20% jitter). */
  intervalMs: number;
  /** Pause between two batches of one round, leaving the database to the runners (default 20 ms). */
  pauseBetweenBatchesMs: number;
}

export const RETENTION_SCHEDULE_DEFAULTS = { ...RETENTION_DEFAULTS, intervalMs: 60_000, pauseBetweenBatchesMs: 20 } as const;

/** What a host application passes to `WorkflowsModule.forRoot()`. */
export interface WorkflowsModuleOptions {
  /** Workflow definitions, `@Workflow` classes (registered as Nest providers) or both. */
  workflows?: WorkflowSource[];
  /** Modules whose exported providers `@Workflow` classes inject. */
  imports?: ModuleMetadata['imports'];
  /** Extra providers `@Workflow` classes inject. */
  providers?: Provider[];
  /** Unset: the embedded SQLite file. */
  database?: DatabaseOptions;
  /** Where the HTTP API is mounted (default `/api/workflows`). */
  basePath?: string;
  /** Hooks the HTTP API's guards call (docs/http-api.md, Authorization). */
  authorization?: AuthorizationHooks;
  /** Serve `POST /_runner/tick` (default false: RUNNER_TICK_DISABLED). */
  enableRunnerTick?: boolean;
  runner?: Partial<RunnerOptions>;
  limits?: Partial<EngineLimits>;
  /**
   * How long finished instances are kept: `period` (e.g. `"30 days"`; unset: forever) for every
   * workflow that does not set its own `retention`. Processes with the runner enabled purge them.
   */
  retention?: Partial<RetentionSchedule>;
  /** Signs pagination cursors; give every process of a deployment the same one. */
  cursorSecret?: string;
  /**
   * Put params, outputs and event payloads into log lines (default false: they may hold personal
   * data; the standalone server's LOG_PAYLOADS).
   */
  logPayloads?: boolean;
  /**
   * Log stray rejections and exceptions of workflow code instead of letting them end the process
   * (default false: a host application keeps its own policy; the standalone server sets it).
   */
  installProcessErrorHandlers?: boolean;
  /**
   * OpenTelemetry spans of runs and step attempts, through `@opentelemetry/api` to the host's
   * tracer provider (docs/operations-tracing.md). Default on: without a registered provider the
   * API does nothing. `false`: no spans, and no trace is stored with new instances but one given
   * to `create` explicitly. `{ otlp }`: this process starts an SDK of its own (the standalone server).
   */
  tracing?: boolean | TracingOptions;
  /** Health endpoints (default on); `false` removes them. */
  health?: boolean | Partial<HealthOptions>;
  /** The Prometheus endpoint and the engine's metrics (default on); `false` removes them. */
  metrics?: boolean | Partial<MetricsOptions>;
  /**
   * Which route groups of the HTTP API are mounted (each default true), and the JSON body limit
   * `setupWorkflowsHttp` applies to them; `false` mounts none: in-process use through
   * `WorkflowsClient` only.
   */
  http?: boolean | Partial<HttpOptions>;
}

/** The HTTP API's route groups, each one of its Nest modules, and its body limit. */
export interface HttpOptions {
  /** `GET /workflows`. */
  workflows: boolean;
  /** Listing, creating, reading, managing and deleting instances. */
  instances: boolean;
  /** `GET …/instances/:id/history`. */
  history: boolean;
  /** `POST …/instances/:id/events`. */
  events: boolean;
  /** `POST /_runner/tick` (mounted; it still answers RUNNER_TICK_DISABLED unless `enableRunnerTick`). */
  tick: boolean;
  /** The largest JSON body the API's routes accept (default `1mb`). */
  bodyLimit: string;
}

export const HTTP_DEFAULTS: HttpOptions = { workflows: true, instances: true, history: true, events: true, tick: true, bodyLimit: '1mb' };

/** The options that shape the module itself (its providers and routes): `forRootAsync` takes them as given. */
const STRUCTURE_OPTIONS = ['workflows', 'imports', 'providers', 'basePath', 'http', 'health', 'metrics', 'tracing'] as const;

export type WorkflowsModuleStructure = Pick<WorkflowsModuleOptions, (typeof STRUCTURE_OPTIONS)[number]>;

/**
 * What `forRootAsync`'s factory gave, refused when it holds options that shape the module: the
 * module was built before the factory ran, so they would be ignored (or half applied) in silence.
 */
export function factoryOptions<T extends object>(given: T | undefined): T | undefined {
  // `undefined` means "not given" here as everywhere in the options (a spread config may carry it).
  const misplaced = given ? STRUCTURE_OPTIONS.filter((option) => (given as Record<string, unknown>)[option] !== undefined) : [];
  if (misplaced.length) {
    const names = misplaced.map((option) => `"${option}"`).join(', ');
    throw new Error(`WorkflowsModule.forRootAsync: ${names} shape${misplaced.length === 1 ? 's' : ''} the module and must be given beside useFactory, not returned by it`);
  }
  return given;
}

/** What a host application passes to `WorkflowsModule.forRootAsync()`. */
export interface WorkflowsModuleAsyncOptions extends WorkflowsModuleStructure {
  /** Providers handed to `useFactory` (from `imports`, or global like `ConfigService`). */
  inject?: FactoryProvider['inject'];
  /** The rest of the options: the database, runner, limits, retention, authorization, … */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the injected values, typed by the host's own factory
  useFactory: (...args: any[]) => Omit<WorkflowsModuleOptions, keyof WorkflowsModuleStructure> | Promise<Omit<WorkflowsModuleOptions, keyof WorkflowsModuleStructure>>;
}

export const WORKFLOWS_OPTIONS = Symbol('WORKFLOWS_OPTIONS');
export const DEFAULT_BASE_PATH = '/api/workflows';

/** The options with every default filled in, once, by `forRoot`: what the module's parts inject. */
export interface ResolvedWorkflowsOptions extends Omit<WorkflowsModuleOptions, 'health' | 'metrics' | 'tracing' | 'http'> {
  basePath: string;
  enableRunnerTick: boolean;
  runner: RunnerOptions;
  limits: EngineLimits;
  retention: RetentionSchedule;
  installProcessErrorHandlers: boolean;
  tracing: false | TracingOptions;
  logPayloads: boolean;
  health: HealthOptions | false;
  metrics: MetricsOptions | false;
  http: HttpOptions | false;
}

const HEALTH_DEFAULTS: HealthOptions = { checkTimeoutMs: 2_000 };
const METRICS_DEFAULTS: MetricsOptions = { refreshIntervalMs: 15_000 };

/** A feature that is on unless `false`, with its defaults under what was given. */
function feature<T extends object>(given: boolean | Partial<T> | undefined, defaults: T): T | false {
  if (given === false) return false;
  return { ...defaults, ...(given === true || given === undefined ? {} : given) };
}

/** The fields that were given a value: `{ intervalMs: undefined }` keeps the default. */
function definedOnly<T extends object>(given: T): Partial<T> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function resolveWorkflowsOptions(options: WorkflowsModuleOptions): ResolvedWorkflowsOptions {
  return {
    ...options,
    basePath: options.basePath ?? DEFAULT_BASE_PATH,
    enableRunnerTick: options.enableRunnerTick ?? false,
    runner: { enabled: true, ...RUNNER_DEFAULTS, ...options.runner },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    retention: { ...RETENTION_SCHEDULE_DEFAULTS, ...definedOnly(options.retention ?? {}) },
    installProcessErrorHandlers: options.installProcessErrorHandlers ?? false,
    tracing: feature<TracingOptions>(options.tracing, {}),
    logPayloads: options.logPayloads ?? false,
    health: feature(options.health, HEALTH_DEFAULTS),
    metrics: feature(options.metrics, METRICS_DEFAULTS),
    http: feature(options.http, HTTP_DEFAULTS),
  };
}
