/** Injection tokens of the engine's parts inside Nest. */
export const WORKFLOW_STORE = Symbol('WORKFLOW_STORE');
export const ENGINE = Symbol('ENGINE');
export const ENGINE_CLOCK = Symbol('ENGINE_CLOCK');
