import { type ErrorInfo, fromErrorInfo } from '../errors';
import { parseJson } from '../json';
import type { StepRecord, StepType } from '../model';
import type { StepHost } from './step-host';

/** Records a step as errored (for good) and throws its error into the workflow code. */
export async function failStep(host: StepHost, name: string, type: StepType, error: ErrorInfo, fields: Partial<StepRecord> = {}): Promise<never> {
  await host.commit(host.record(name, type, { ...fields, status: 'errored', nextRetryAt: null, error }));
  throw fromErrorInfo(error);
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
