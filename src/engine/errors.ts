import { boundedText, printable, UNPRINTABLE } from './text';

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
  | 'WORKFLOW_NOT_FOUND'
  | 'INSTANCE_NOT_FOUND'
  | 'INSTANCE_ID_ALREADY_EXISTS'
  | 'INSTANCE_TERMINAL'
  | 'INSTANCE_NOT_TERMINAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'DATABASE_UNAVAILABLE'
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

/**
 * The refusal for an instance that is not stored. Instances of a workflow whose code this process
 * lacks stay readable and manageable, so its name is unknown only when neither its code nor any
 * of its instances are there.
 */
export function missingInstance(key: { workflowName: string; instanceId: string }, workflowKnown: boolean): EngineError {
  return workflowKnown ? instanceNotFound(key) : workflowNotFound(key.workflowName);
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

/** A `step.waitForWorkflow` whose instance did not finish before the wait's timeout. */
export class WaitForWorkflowTimeoutError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('WaitForWorkflowTimeoutError', message);
  }
}

/** What a `ChildWorkflowError` says of the instance it is about. */
export interface ChildWorkflowFailure {
  workflowName: string;
  instanceId: string;
  /** The instance's status when it ended (errored, terminated); absent when it never started. */
  status?: string;
  /** The instance's own error, when it errored. */
  childError?: ErrorInfo;
}

/**
 * A child workflow could not be started (its id is taken by another instance, its params were
 * refused), or the instance a `waitForWorkflow` waited for errored or was terminated.
 */
export class ChildWorkflowError extends WorkflowRuntimeError {
  readonly workflowName: string;
  readonly instanceId: string;
  readonly status?: string;
  readonly childError?: ErrorInfo;

  constructor(message: string, failure: ChildWorkflowFailure) {
    super('ChildWorkflowError', message);
    this.workflowName = failure.workflowName;
    this.instanceId = failure.instanceId;
    if (failure.status !== undefined) this.status = failure.status;
    if (failure.childError !== undefined) this.childError = failure.childError;
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

/**
 * The database refused to store what a run wrote (a value no normalisation foresaw): the instance
 * errors with this instead of retrying a write that can never succeed.
 */
export class StoreWriteError extends WorkflowRuntimeError {
  constructor(message: string) {
    super('StoreWriteError', message);
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

/** Stored error names fit a varchar(256); messages are kept to 8 KiB of UTF-8. */
export const MAX_ERROR_NAME_CHARS = 256;
export const MAX_ERROR_MESSAGE_BYTES = 8 * 1024;

/** An error's stored shape, with both texts normalised for storage (see text.ts). */
export function errorInfo(name: string, message: string): ErrorInfo {
  return {
    name: boundedText(name || 'Error', { maxChars: MAX_ERROR_NAME_CHARS }),
    message: boundedText(message, { maxBytes: MAX_ERROR_MESSAGE_BYTES }),
  };
}

/**
 * The stored shape of anything workflow code throws. Never throws itself, whatever it is given: a
 * property getter, a Proxy trap or a `toString` that throws only costs that part its text.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return errorInfo('Error', printable(error));
  const name = attempt(() => (error as { name?: unknown }).name);
  const message = attempt(() => (error as { message?: unknown }).message);
  const text = message.ok ? (message.value == null ? undefined : printable(message.value)) : UNPRINTABLE;
  // An object with no message at all (`throw { code: 1 }`) is described by its own text.
  const describe = () => (attempt(() => error instanceof Error).value === true ? '' : printable(error));
  return errorInfo(name.ok && typeof name.value === 'string' ? name.value : 'Error', text ?? describe());
}

function attempt<T>(read: () => T): { ok: true; value: T } | { ok: false; value?: undefined } {
  try {
    return { ok: true, value: read() };
  } catch {
    return { ok: false };
  }
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
  // A throwing getter or Proxy trap makes the error an ordinary, retryable one.
  return (
    attempt(() => {
      if ((error as { name?: unknown }).name === 'NonRetryableError') return true;
      for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
        if (proto.constructor?.name === 'NonRetryableError') return true;
      }
      return false;
    }).value === true
  );
}
