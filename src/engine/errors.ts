/**
 * Two families of errors live here.
 *
 * `EngineError` is what the engine throws at its callers (the HTTP layer, the client, the CLI):
 * one class with a stable string `code` that the HTTP layer maps to a status.
 *
 * The workflow-facing errors are thrown into (or by) workflow code. Workflow modules loaded from
 * WORKFLOWS_PATH may not import this package, so the engine recognises them by `name`, never by
 * `instanceof` (see `isNonRetryable`).
 */

export type EngineErrorCode =
  | 'VALIDATION_ERROR'
  | 'INVALID_INSTANCE_ID'
  | 'INVALID_EVENT_TYPE'
  | 'INVALID_CURSOR'
  | 'WORKFLOW_PARAMS_INVALID'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'WORKFLOW_NOT_FOUND'
  | 'INSTANCE_NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'INSTANCE_ID_ALREADY_EXISTS'
  | 'INSTANCE_TERMINAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'RUNNER_TICK_DISABLED'
  | 'INTERNAL_ERROR';

export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function workflowNotFound(workflowName: string): EngineError {
  return new EngineError('WORKFLOW_NOT_FOUND', `Workflow "${workflowName}" is not registered`);
}

export function instanceNotFound(key: { workflowName: string; instanceId: string }): EngineError {
  return new EngineError('INSTANCE_NOT_FOUND', `Instance "${key.instanceId}" of workflow "${key.workflowName}" not found`);
}

/** Thrown by workflow code to fail a step (or the workflow) without further retries. */
export class NonRetryableError extends Error {
  constructor(message: string, name = 'NonRetryableError') {
    super(message);
    this.name = name;
  }
}

/** Base for errors the engine throws into workflow code; all of them are non-retryable. */
export abstract class WorkflowRuntimeError extends NonRetryableError {
  constructor(name: string, message: string) {
    super(message, name);
  }
}

export class WaitForEventTimeoutError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('WaitForEventTimeoutError', message);
  }
}

export class StepTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepTimeoutError';
  }
}

export class StepResultError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('StepResultError', message);
  }
}

export class InvalidDurationError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('InvalidDurationError', message);
  }
}

export class DuplicateStepError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('DuplicateStepError', message);
  }
}

export class StepTypeMismatchError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('StepTypeMismatchError', message);
  }
}

export class MaxStepsExceededError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('MaxStepsExceededError', message);
  }
}

export class InvalidStepNameError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('InvalidStepNameError', message);
  }
}

/** The plain shape errors are stored and reported in. */
export interface ErrorInfo {
  name: string;
  message: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return { name: typeof name === 'string' && name ? name : 'Error', message: String(message ?? '') };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds a throwable error from its stored shape, so replays throw what the first run threw. */
export function fromErrorInfo(info: ErrorInfo): Error {
  const error = new Error(info.message);
  error.name = info.name;
  return error;
}

/**
 * True for an error named `NonRetryableError` or an instance of a class that extends a class of
 * that name (a subclass may carry its own `name`). Walking the prototype chain by constructor name
 * keeps this working for workflow modules that ship their own copy of the class.
 */
export function isNonRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { name?: unknown }).name === 'NonRetryableError') return true;
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'NonRetryableError') return true;
  }
  return false;
}
