import { ONE_MIB } from './json';

/** The configurable limits (docs/http-api.md, Limits). */
export interface EngineLimits {
  maxStepsPerRun: number;
  /** Params, event payloads, step results and outputs, serialised. */
  maxPayloadBytes: number;
  maxBatchSize: number;
  maxPageSize: number;
  maxLogMessageChars: number;
  maxLogDataBytes: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxStepsPerRun: 10_000,
  maxPayloadBytes: ONE_MIB,
  maxBatchSize: 100,
  maxPageSize: 100,
  maxLogMessageChars: 2_048,
  maxLogDataBytes: 64 * 1024,
};
