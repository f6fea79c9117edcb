import type { WorkflowsApi } from '../workflows-api';
import type { WorkflowOptions } from './define-workflow';
import type { WorkflowEvent, WorkflowStep } from './types';

const WORKFLOW_OPTIONS = Symbol.for('durable-workflows.workflow-options');

/**
 * Base class for class-style workflows. With `@Workflow()` the class is also a Nest provider, so
 * its constructor can take injected services.
 */
export abstract class WorkflowEntrypoint<Params = unknown, Output = unknown> {
  /** The programmatic client; set by the engine when the workflow is registered. */
  workflows!: WorkflowsApi;

  abstract run(event: WorkflowEvent<Params>, step: WorkflowStep): Promise<Output> | Output;
}

export type WorkflowClass = (abstract new (...args: never[]) => WorkflowEntrypoint<never, unknown>) & {
  [WORKFLOW_OPTIONS]?: WorkflowOptions;
};

/**
 * Marks a `WorkflowEntrypoint` subclass as a workflow. Any class decorator makes TypeScript emit
 * the constructor's parameter types, which is all Nest needs to inject into it.
 */
export function Workflow(options: WorkflowOptions): ClassDecorator {
  return (target) => {
    Object.defineProperty(target, WORKFLOW_OPTIONS, { value: options, enumerable: false });
  };
}

export function workflowOptionsOf(target: unknown): WorkflowOptions | undefined {
  return typeof target === 'function' ? (target as WorkflowClass)[WORKFLOW_OPTIONS] : undefined;
}
