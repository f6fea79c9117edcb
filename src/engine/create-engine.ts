import { randomUUID } from 'node:crypto';
import { WorkflowRegistry, type WorkflowSource } from './definition/registry';
import type { ParamsClassSupport } from './definition/params-schema';
import type { EngineDeps } from './engine-deps';
import { DEFAULT_LIMITS, type EngineLimits } from './limits';
import { type Clock, systemClock } from './ports/clock';
import { type IdGenerator, uuidGenerator } from './ports/id-generator';
import { type EngineLogger, silentLogger } from './ports/logger';
import type { WorkflowStore } from './ports/store';
import { type EngineTelemetry, fanOutTelemetry, noTelemetry } from './ports/telemetry';
import { type RetentionOptions, RetentionPurge } from './retention/retention-purge';
import { Runner } from './runner/runner';
import { RUNNER_DEFAULTS } from './runner/runner-defaults';
import { WorkflowsClient } from './workflows-client';

export interface EngineOptions {
  store: WorkflowStore;
  workflows?: Iterable<WorkflowSource> | WorkflowRegistry;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: EngineLogger;
  telemetry?: EngineTelemetry;
  /**
   * The `traceparent` of the trace active where `create` is called (a host's tracing knows it;
   * the engine does not): instances created without one are traced under it. Default: none.
   */
  currentTraceParent?: () => string | null;
  limits?: Partial<EngineLimits>;
  leaseMs?: number;
  runnerId?: string;
  cursorSecret?: string;
  paramsClasses?: ParamsClassSupport;
  onRunnable?: () => void;
  /** How long finished instances are kept (unset: forever, unless a workflow says otherwise). */
  retention?: RetentionOptions;
}

export interface Engine {
  client: WorkflowsClient;
  registry: WorkflowRegistry;
  /** What a scheduler drives: claims, advances, drains on shutdown. */
  runner: Runner;
  /** What a scheduler calls now and then to delete finished instances past their retention. */
  retention: RetentionPurge;
}

/** Assembles the engine from its ports; no framework involved. */
export function createEngine(options: EngineOptions): Engine {
  const registry = options.workflows instanceof WorkflowRegistry ? options.workflows : new WorkflowRegistry(options.workflows);
  const logger = options.logger ?? silentLogger;
  const deps: EngineDeps = {
    store: options.store,
    registry,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? uuidGenerator,
    logger,
    // Guarded: a telemetry that throws is skipped, never thrown into a run.
    telemetry: options.telemetry ? fanOutTelemetry([options.telemetry], (error) => logger.warn('A telemetry observer failed', { error: String(error) })) : noTelemetry,
    currentTraceParent: options.currentTraceParent ?? (() => null),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    leaseMs: options.leaseMs ?? RUNNER_DEFAULTS.leaseMs,
    runnerId: options.runnerId ?? `runner-${randomUUID()}`,
    cursorSecret: options.cursorSecret,
    paramsClasses: options.paramsClasses,
    onRunnable: () => options.onRunnable?.(),
    // Only called once the run starts, long after `client` below exists.
    client: () => client,
  };
  const runner = new Runner(deps);
  const client = new WorkflowsClient(deps, runner);
  registry.bindClient(client);
  return { client, registry, runner, retention: new RetentionPurge(deps, options.retention) };
}
