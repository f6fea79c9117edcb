import type { Duration } from '../durations';
import type { RetentionPeriod } from '../retention/retention-period';
import type { WorkflowsApi } from '../workflows-api';

/** What a run receives as its first argument. */
export interface WorkflowEvent<Params = unknown> {
  payload: Params;
  /** When the instance was created. */
  timestamp: Date;
  instanceId: string;
  workflowName: string;
  runNumber: number;
}

export type BackoffKind = 'constant' | 'linear' | 'exponential';

export interface StepConfig {
  retries?: { limit: number; delay: Duration; backoff?: BackoffKind };
  timeout?: Duration;
}

export interface StepAttempt {
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /**
   * Aborts when this attempt times out (its reason a StepTimeoutError), or when the claim on the
   * run ends under it: the instance was terminated or restarted, the lease was lost, or the
   * process is shutting down. Hand it to `fetch` and the like so they stop early; whatever the
   * attempt returns after it aborted is discarded.
   */
  signal: AbortSignal;
}

/** What `step.startWorkflow` returns: the child it started. */
export interface ChildWorkflowHandle {
  workflowName: string;
  instanceId: string;
}

export interface StartWorkflowOptions<Params = unknown> {
  /** The child's instance id; unset, one derived from the parent's id, run number and step name. */
  id?: string;
  params?: Params;
  /** What terminating or restarting the parent does to the child while it runs (default `terminate`). */
  parentClosePolicy?: 'terminate' | 'abandon';
  /**
   * The step's name in the parent's run. Unset: `<workflowName>-<id>` with an id, otherwise
   * `<workflowName>-<n>`, n counting this run's startWorkflow calls of that workflow without an id.
   */
  step?: string;
}

export interface WaitForWorkflowOptions {
  /** How long to wait at most (1 second to 365 days; default 365 days). */
  timeout?: Duration;
  /** The step's name in the run (default `wait <workflowName> <instanceId>`). */
  step?: string;
}

export type RunWorkflowOptions<Params = unknown> = StartWorkflowOptions<Params> & {
  timeout?: Duration;
  /** The waiting step's name (default as for waitForWorkflow). */
  waitStep?: string;
};

export interface ReceivedEvent<Payload = unknown> {
  type: string;
  payload: Payload;
  timestamp: Date;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface StepLogger {
  debug(message: string, data?: unknown, options?: { category?: string }): void;
  info(message: string, data?: unknown, options?: { category?: string }): void;
  warn(message: string, data?: unknown, options?: { category?: string }): void;
  error(message: string, data?: unknown, options?: { category?: string }): void;
}

/** The durable operations a workflow performs; each is identified by its name within a run. */
export interface WorkflowStep {
  do<T>(name: string, callback: (attempt: StepAttempt) => Promise<T> | T): Promise<T>;
  do<T>(name: string, config: StepConfig, callback: (attempt: StepAttempt) => Promise<T> | T): Promise<T>;
  sleep(name: string, duration: Duration): Promise<void>;
  sleepUntil(name: string, until: Date | number | string): Promise<void>;
  waitForEvent<Payload = unknown>(
    name: string,
    options: { type: string; timeout?: Duration },
  ): Promise<ReceivedEvent<Payload>>;
  /** Starts a child instance, once per run of this one (a replay returns the same child). */
  startWorkflow<Params = unknown>(workflowName: string, options?: StartWorkflowOptions<Params>): Promise<ChildWorkflowHandle>;
  /**
   * Waits until the instance (any one, not only a child) has finished and returns its output; one
   * that errored or was terminated throws a ChildWorkflowError carrying its error.
   */
  waitForWorkflow<Output = unknown>(workflowName: string, instanceId: string, options?: WaitForWorkflowOptions): Promise<Output>;
  /** startWorkflow, then waitForWorkflow on the child. */
  runWorkflow<Output = unknown, Params = unknown>(workflowName: string, options?: RunWorkflowOptions<Params>): Promise<Output>;
  log: StepLogger;
}

export interface WorkflowContext {
  /** The programmatic client (child workflows: `step.startWorkflow`, which starts them once per run). */
  workflows: WorkflowsApi;
}

export type WorkflowRunFunction<Params = unknown, Output = unknown> = (
  event: WorkflowEvent<Params>,
  step: WorkflowStep,
  context: WorkflowContext,
) => Promise<Output> | Output;

/**
 * Validates params before an instance is created: a class-validator DTO class, or a function
 * returning `true`/nothing when valid, or `false`, a message or a list of messages when not.
 */
export type ParamsSchema = (new (...args: never[]) => object) | ((params: unknown) => ParamsCheckResult);
export type ParamsCheckResult = boolean | string | string[] | void | undefined;

/** The normalised form every way of defining a workflow ends up in. */
export interface WorkflowDefinition<Params = unknown, Output = unknown> {
  name: string;
  description?: string;
  params?: ParamsSchema;
  /** The params' JSON Schema, shown to those who start the workflow (a params class describes itself). */
  paramsSchema?: Record<string, unknown>;
  /** How long its finished instances are kept (unset: the module's period, if any). */
  retention?: RetentionPeriod;
  run: WorkflowRunFunction<Params, Output>;
}
