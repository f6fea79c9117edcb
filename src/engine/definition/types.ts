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
}

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
  log: StepLogger;
}

export interface WorkflowContext {
  /** The programmatic client: start child workflows from inside `step.do` so it happens once. */
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
