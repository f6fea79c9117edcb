import type { EngineDeps } from '../engine-deps';
import { EngineError, toErrorInfo } from '../errors';
import { runnerMove } from '../lifecycle/transitions';
import type { ClaimedRun } from '../ports/store';
import { retryWhileUnavailable } from './retry-while-unavailable';
import type { ExecutionOutcome } from './claim-state';
import { RunExecution } from './run-execution';
import { TICK_OPTIONS } from './runner-defaults';

export interface TickOptions {
  /** How many runs this call may advance (1-1000, default 10). */
  maxInstances?: number;
  /** How many steps each run may execute in this call (1-10,000, default 100). */
  maxSteps?: number;
}

export interface TickResult {
  processed: number;
  /** The earliest time anything is due, so an external scheduler knows when to call again. */
  nextWakeAt?: Date;
}

/** Claims due runs and advances each until it waits, finishes or spends its step budget. */
export class Runner {
  private readonly active = new Set<RunExecution>();
  private draining = false;

  constructor(private readonly deps: EngineDeps) {}

  /** One round for an external scheduler: claim, advance everything claimed, say when to come back. */
  async tick(options: TickOptions = {}): Promise<TickResult> {
    const maxInstances = tickOption(options, 'maxInstances');
    const maxSteps = tickOption(options, 'maxSteps');
    const started = this.now();
    const claims = await this.claim(maxInstances);
    await Promise.all(claims.map((claim) => this.advance(claim, maxSteps)));
    this.deps.telemetry.tick({ durationMs: this.now() - started, processed: claims.length });
    const next = await this.nextDueAt();
    return {
      processed: claims.length,
      ...(next === null ? {} : { nextWakeAt: new Date(Math.max(next, this.now())) }),
    };
  }

  /** Claims up to `limit` due runs of workflows this process knows. */
  async claim(limit: number): Promise<ClaimedRun[]> {
    if (this.draining) return [];
    const started = this.now();
    const claimed = await this.deps.store.claimDue({
      now: this.now(),
      limit,
      owner: this.deps.runnerId,
      leaseMs: this.deps.leaseMs,
      workflowNames: this.workflowNames(),
      newToken: () => this.deps.ids.next(),
      statuses: { running: runnerMove('claimed', false).status, pausing: runnerMove('claimed', true).status },
    });
    this.deps.telemetry.claimRound({ durationMs: this.now() - started, claimed: claimed.length });
    return claimed;
  }

  /** The earliest due time of any run this process could claim, or null. */
  nextDueAt(): Promise<number | null> {
    return this.deps.store.nextDueAt(this.workflowNames());
  }

  /** The engine's time (the database's, in a server). */
  now(): number {
    return this.deps.clock.now();
  }

  /** Periodic upkeep of the store the runner reads (planner statistics of the queue). */
  housekeeping(): Promise<void> {
    return this.deps.store.housekeeping();
  }

  /** Hears other processes' "a run became runnable" (see WorkflowStore.subscribeRunnable). */
  subscribeRunnable(onRunnable: () => void, onProblem: (message: string) => void): Promise<() => Promise<void>> {
    return this.deps.store.subscribeRunnable(onRunnable, onProblem);
  }

  /** Runs one claimed run; never throws (a failure leaves the lease to expire and be retried). */
  async advance(claim: ClaimedRun, maxSteps: number): Promise<ExecutionOutcome> {
    const { instance, lease } = claim;
    try {
      const definition = this.deps.registry.get(instance.workflowName)!;
      // A run that was never picked up before has no steps to replay.
      const leaseEnds = this.now() + this.deps.leaseMs;
      const steps = claim.firstClaim
        ? []
        : await retryWhileUnavailable(this.deps.clock, () => leaseEnds, () => this.deps.store.loadSteps(instance, lease.runNumber));
      const execution = new RunExecution(this.deps, definition, claim, steps, maxSteps);
      if (this.draining) execution.stopAtNextStepBoundary();
      this.active.add(execution);
      try {
        return await execution.execute();
      } finally {
        this.active.delete(execution);
      }
    } catch (error) {
      this.deps.logger.error('Advancing a run failed', { ...lease, token: undefined, error: toErrorInfo(error) });
      return 'lost';
    }
  }

  /** Shutdown, first stage: claim nothing more; runs in progress stop at their next step boundary. */
  drain(): void {
    this.draining = true;
    for (const execution of this.active) execution.stopAtNextStepBoundary();
  }

  /** Shutdown, last stage: gives back, due now, the runs whose step did not finish in time. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.active].map((execution) => execution.release()));
  }

  private workflowNames(): string[] {
    return this.deps.registry.list().map((definition) => definition.name);
  }
}

/** A tick option, its default when absent; the HTTP API's rules, for the programmatic client too. */
function tickOption(options: TickOptions, name: keyof typeof TICK_OPTIONS): number {
  const { default: fallback, min, max } = TICK_OPTIONS[name];
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    const issue = `${name} must be a whole number from ${min} to ${max}`;
    throw new EngineError('VALIDATION_ERROR', issue, { issues: [issue] });
  }
  return value;
}
