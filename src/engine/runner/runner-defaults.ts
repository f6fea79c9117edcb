/**
 * The runner's defaults and limits, written once: the engine, the Nest module, the standalone
 * server's configuration and the HTTP API's validation all read them from here.
 */
export const RUNNER_DEFAULTS = {
  /** How long a claim holds a run before another runner may take it over. */
  leaseMs: 30_000,
  /** The scheduled runner's safety-net poll, with ±20% jitter. */
  pollIntervalMs: 1_000,
  /** Runs one process advances in parallel. */
  concurrency: 10,
  /** On shutdown, how long steps in progress may take to finish. */
  shutdownGraceMs: 10_000,
  /** Steps one claim may execute before the run goes back in the queue. */
  maxStepsPerClaim: 100,
} as const;

/** `tick` options: their defaults and their allowed ranges. */
export const TICK_OPTIONS = {
  maxInstances: { default: 10, min: 1, max: 1_000 },
  maxSteps: { default: 100, min: 1, max: 10_000 },
} as const;
