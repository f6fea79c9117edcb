import { EngineError } from './errors';

/** Instance ids, event ids and event types share one rule (docs/http-api.md, Limits). */
const ID_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;
const WORKFLOW_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export const MAX_ID_LENGTH = 100;
export const MAX_STEP_NAME_LENGTH = 256;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

export function isValidWorkflowName(value: unknown): value is string {
  return typeof value === 'string' && WORKFLOW_NAME_PATTERN.test(value);
}

const ID_RULE = `1-${MAX_ID_LENGTH} characters of letters, digits, '_' and '-', not starting with '-'`;

export function assertInstanceId(value: unknown): asserts value is string {
  if (!isValidId(value)) throw new EngineError('INVALID_INSTANCE_ID', `Instance id must be ${ID_RULE}`, { value });
}

export function assertEventType(value: unknown): asserts value is string {
  if (!isValidId(value)) throw new EngineError('INVALID_EVENT_TYPE', `Event type must be ${ID_RULE}`, { value });
}
