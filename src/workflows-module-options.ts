import type { ModuleMetadata, Provider } from '@nestjs/common';
import type { AuthorizationHooks } from './api/auth/authorization-hooks';
import type { WorkflowSource } from './engine/definition/registry';
import { DEFAULT_LIMITS, type EngineLimits } from './engine/limits';
import { RETENTION_DEFAULTS, type RetentionOptions } from './engine/retention/retention-purge';
import { RUNNER_DEFAULTS } from './engine/runner/runner-defaults';
import type { DatabaseOptions } from './persistence/data-source-options';

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
   * Log stray rejections and exceptions of workflow code instead of letting them end the process
   * (default false: a host application keeps its own policy; the standalone server sets it).
   */
  installProcessErrorHandlers?: boolean;
}

export const WORKFLOWS_OPTIONS = Symbol('WORKFLOWS_OPTIONS');
export const DEFAULT_BASE_PATH = '/api/workflows';

/** The options with every default filled in, once, by `forRoot`: what the module's parts inject. */
export interface ResolvedWorkflowsOptions extends WorkflowsModuleOptions {
  basePath: string;
  enableRunnerTick: boolean;
  runner: RunnerOptions;
  limits: EngineLimits;
  retention: RetentionSchedule;
  installProcessErrorHandlers: boolean;
}

export function resolveWorkflowsOptions(options: WorkflowsModuleOptions): ResolvedWorkflowsOptions {
  return {
    ...options,
    basePath: options.basePath ?? DEFAULT_BASE_PATH,
    enableRunnerTick: options.enableRunnerTick ?? false,
    runner: { enabled: true, ...RUNNER_DEFAULTS, ...options.runner },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    retention: { ...RETENTION_SCHEDULE_DEFAULTS, ...options.retention },
    installProcessErrorHandlers: options.installProcessErrorHandlers ?? false,
  };
}
