import type { ParamsClassSupport } from './definition/params-schema';
import type { WorkflowRegistry } from './definition/registry';
import type { EngineLimits } from './limits';
import type { Clock } from './ports/clock';
import type { IdGenerator } from './ports/id-generator';
import type { EngineLogger } from './ports/logger';
import type { WorkflowStore } from './ports/store';
import type { EngineTelemetry } from './ports/telemetry';
import type { WorkflowsApi } from './workflows-api';

/** Everything the engine's parts share, assembled once by `createEngine`. */
export interface EngineDeps {
  store: WorkflowStore;
  registry: WorkflowRegistry;
  clock: Clock;
  ids: IdGenerator;
  logger: EngineLogger;
  /** Told of runs, steps and claims, for logs, metrics and traces. */
  telemetry: EngineTelemetry;
  /** The caller's active W3C `traceparent`, for instances created without one (null: none). */
  currentTraceParent: () => string | null;
  limits: EngineLimits;
  /** How long a claim holds a run before another runner may take it over. */
  leaseMs: number;
  /** Identifies this process in leases. */
  runnerId: string;
  /** Key that signs pagination cursors; unset, a random one is made and kept in the database. */
  cursorSecret?: string;
  /** Params classes (class-validator DTOs) checked and described; supplied by the host. */
  paramsClasses?: ParamsClassSupport;
  /** Told whenever a run becomes runnable now, so the local runner need not wait for a poll. */
  onRunnable: () => void;
  /** The programmatic client, for `ctx.workflows`. */
  client: () => WorkflowsApi;
}
