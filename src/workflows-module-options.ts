import type { ModuleMetadata, Provider } from '@nestjs/common';
import type { AuthorizationHooks } from './api/auth/authorization-hooks';
import type { WorkflowSource } from './engine/definition/registry';
import { DEFAULT_LIMITS, type EngineLimits } from './engine/limits';
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
}

export const WORKFLOWS_OPTIONS = Symbol('WORKFLOWS_OPTIONS');
export const DEFAULT_BASE_PATH = '/api/workflows';

/** The options with every default filled in, once, by `forRoot`: what the module's parts inject. */
export interface ResolvedWorkflowsOptions extends WorkflowsModuleOptions {
  basePath: string;
  enableRunnerTick: boolean;
  runner: RunnerOptions;
  limits: EngineLimits;
  installProcessErrorHandlers: boolean;
  tracing: false | TracingOptions;
  logPayloads: boolean;
}

export function resolveWorkflowsOptions(options: WorkflowsModuleOptions): ResolvedWorkflowsOptions {
  return {
    ...options,
    basePath: options.basePath ?? DEFAULT_BASE_PATH,
    enableRunnerTick: options.enableRunnerTick ?? false,
    runner: { enabled: true, ...RUNNER_DEFAULTS, ...options.runner },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    installProcessErrorHandlers: options.installProcessErrorHandlers ?? false,
    tracing: options.tracing === false ? false : options.tracing === true || options.tracing === undefined ? {} : options.tracing,
    logPayloads: options.logPayloads ?? false,
  };
}
