import { ChildWorkflowError, type ChildWorkflowFailure, type ErrorInfo, errorInfo, fromErrorInfo } from '../errors';
import { parseJson } from '../json';
import type { StepRecord, StepType } from '../model';
import type { StepHost } from './step-host';

/** Records a step as errored (for good) and throws its error into the workflow code. */
export async function failStep(host: StepHost, name: string, type: StepType, error: ErrorInfo, fields: Partial<StepRecord> = {}): Promise<never> {
  await host.commit(host.record(name, type, { ...fields, status: 'errored', nextRetryAt: null, error }));
  throw fromErrorInfo(error);
}

/**
 * Records a step as errored with a ChildWorkflowError and throws it. What the error says of the
 * instance is kept as the step's result, so a replay throws the same error, fields and all.
 */
export async function failChildStep(
  host: StepHost,
  name: string,
  type: StepType,
  message: string,
  failure: ChildWorkflowFailure,
  fields: Partial<StepRecord> = {},
): Promise<never> {
  const error = errorInfo('ChildWorkflowError', message);
  await host.commit(host.record(name, type, { ...fields, status: 'errored', nextRetryAt: null, error, result: JSON.stringify(failure) }));
  throw new ChildWorkflowError(error.message, failure);
}

/** The error a step failed with, as workflow code sees it: on replay exactly as the first time. */
export function storedError(step: StepRecord): Error {
  const info = step.error!;
  if (info.name === 'ChildWorkflowError' && step.result !== null) {
    return new ChildWorkflowError(info.message, parseJson(step.result) as ChildWorkflowFailure);
  }
  return fromErrorInfo(info);
}

/** The stored result as workflow code sees it; event timestamps come back as Dates. */
export function readResult(step: StepRecord): unknown {
  const value = parseJson(step.result);
  if (step.type === 'waitForEvent' && value && typeof value === 'object') {
    const received = value as { timestamp: string };
    return { ...received, timestamp: new Date(received.timestamp) };
  }
  return value;
}
