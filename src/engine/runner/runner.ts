import type { EngineDeps } from '../engine-deps';
import { toErrorInfo } from '../errors';
import type { ClaimedRun } from '../ports/store';
import { retryWhileUnavailable } from './retry-while-unavailable';
import { type ExecutionOutcome, RunExecution } from './run-execution';

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

export const DEFAULT_TICK = { maxInstances: 10, maxSteps: 100 } as const;

/** Claims due runs and advances each until it waits, finishes or spends its step budget. */
export class Runner {
  private readonly active = new Set<RunExecution>();
  private draining = false;

  constructor(private readonly deps: EngineDeps) {}

  async tick(options: TickOptions = {}): Promise<TickResult> {
    const claims = await this.claim(options.maxInstances ?? DEFAULT_TICK.maxInstances);
    await Promise.all(claims.map((claim) => this.advance(claim, options.maxSteps ?? DEFAULT_TICK.maxSteps)));
    const next = await this.nextDueAt();
    return {
      processed: claims.length,
      ...(next === null ? {} : { nextWakeAt: new Date(Math.max(next, this.deps.clock.now())) }),
    };
  }

  /** Claims up to `limit` due runs of workflows this process knows. */
  claim(limit: number): Promise<ClaimedRun[]> {
    if (this.draining) return Promise.resolve([]);
    return this.deps.store.claimDue({
      now: this.deps.clock.now(),
      limit,
      owner: this.deps.runnerId,
      leaseMs: this.deps.leaseMs,
      workflowNames: this.workflowNames(),
      newToken: () => this.deps.ids.next(),
    });
  }

  /** The earliest due time of any run this process could claim, or null. */
  nextDueAt(): Promise<number | null> {
    return this.deps.store.nextDueAt(this.workflowNames());
  }

  private workflowNames(): string[] {
    return this.deps.registry.list().map((definition) => definition.name);
  }

  /** Runs one claimed run; never throws (a failure leaves the lease to expire and be retried). */
  async advance(claim: ClaimedRun, maxSteps: number): Promise<ExecutionOutcome> {
    const { instance, lease } = claim;
    try {
      const definition = this.deps.registry.get(instance.workflowName)!;
      // A run that was never picked up before has no steps to replay.
      const leaseEnds = this.deps.clock.now() + this.deps.leaseMs;
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
}
