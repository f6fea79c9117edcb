/** Injection tokens of the engine's parts inside Nest. */
export const WORKFLOW_STORE = Symbol('WORKFLOW_STORE');
export const ENGINE = Symbol('ENGINE');
export const ENGINE_CLOCK = Symbol('ENGINE_CLOCK');
/** The engine's telemetry: every part that is on, fanned out (see telemetry.providers.ts). */
export const ENGINE_TELEMETRY = Symbol('ENGINE_TELEMETRY');
/** The parts of the engine's telemetry: logs (always), metrics and traces (while on). */
export const LOG_TELEMETRY = Symbol('LOG_TELEMETRY');
export const METRICS_TELEMETRY = Symbol('METRICS_TELEMETRY');
export const TRACING_TELEMETRY = Symbol('TRACING_TELEMETRY');
