import type { RetentionPeriod } from '../retention/retention-period';
import type { ParamsSchema, WorkflowDefinition, WorkflowRunFunction } from './types';

export interface WorkflowOptions {
  name: string;
  description?: string;
  params?: ParamsSchema;
  /** The params' JSON Schema, shown by `GET /workflows` (a params class describes itself). */
  paramsSchema?: Record<string, unknown>;
  /** How long its finished instances are kept; overrides the module's `retention.period`. */
  retention?: RetentionPeriod;
}

/** Defines a workflow from a function; the result is a plain `{ name, run }` object. */
export function defineWorkflow<Params = unknown, Output = unknown>(
  options: WorkflowOptions,
  run: WorkflowRunFunction<Params, Output>,
): WorkflowDefinition<Params, Output> {
  return { ...options, run };
}
