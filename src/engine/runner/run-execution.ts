import type { LogLevel, WorkflowDefinition, WorkflowEvent } from '../definition/types';
import { type ErrorInfo, toErrorInfo } from '../errors';
import { parseJson, serializeJson } from '../json';
import { type EventRecord, type NewLogRecord, type StepRecord, type StepType, type TaskRecord, unleasedTask } from '../model';
import type { ClaimedRun, EventDelivery, LeaseCheck, StoreTransaction } from '../ports/store';
import { StepApi } from '../step/step-api';
import { buildLogRecord } from '../step/step-log';
import { stepScope } from '../step/step-scope';
import type { EngineDeps } from '../engine-deps';
import { LeaseLostError } from './lease-lost-error';

export type ExecutionOutcome = 'complete' | 'errored' | 'suspended' | 'lost';

/** Why a step cannot go on now, and when the run should be picked up again. */
interface BlockedStep {
  dueAt: number;
  /** Set for `waitForEvent`, so a suspension never misses an event that arrived meanwhile. */
  wait?: { type: string; deadline: number };
}

/**
 * One claim's worth of work on one run: executes the workflow code from the start, answering
 * completed steps from storage (replay) and running new ones, until the code finishes, every
 * remaining step must wait, the step budget is spent, or the lease is lost.
 *
 * Writes: each completed `step.do` commits on its own (its side effects happened); other state
 * (log lines, sleeps, scheduled retries) rides along with the next commit. Every commit is fenced
 * by the lease, so a run that was terminated, restarted or taken over writes nothing more.
 */
export class RunExecution {
  readonly key;
  private readonly steps = new Map<string, StepRecord>();
  /** Every step name this run has used, stored or still in progress: what the step limit counts. */
  private readonly names = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly blocked = new Map<string, BlockedStep>();
  private pendingSteps = new Map<string, StepRecord>();
  private pendingLogs: NewLogRecord[] = [];
  private nextSeq: number;
  private executedSteps = 0;
  private replaying: boolean;
  private pauseRequested = false;
  private fatal?: ErrorInfo;
  private settled = false;
  /** No write may happen any more: the lease is gone, or this claim is over. */
  private lost = false;
  /** Set on shutdown: no new step starts; the run suspends at its next step boundary. */
  private stopping = false;
  private resolveOutcome!: (outcome: Promise<ExecutionOutcome>) => void;
  private stopRenewing?: () => void;
  private deliveries: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: EngineDeps,
    private readonly definition: WorkflowDefinition,
    private readonly claim: ClaimedRun,
    storedSteps: StepRecord[],
    private readonly stepBudget: number,
  ) {
    this.key = { workflowName: claim.instance.workflowName, instanceId: claim.instance.instanceId };
    for (const step of storedSteps) {
      this.steps.set(step.name, step);
      this.names.add(step.name);
    }
    this.nextSeq = storedSteps.reduce((max, step) => Math.max(max, step.seq), 0) + 1;
    this.replaying = storedSteps.length > 0;
    this.pauseRequested = claim.instance.status === 'waitingForPause';
  }

  get runNumber(): number {
    return this.claim.lease.runNumber;
  }

  now(): number {
    return this.deps.clock.now();
  }

  setTimer(ms: number, callback: () => void): () => void {
    return this.deps.clock.setTimer(ms, callback);
  }

  /** The oldest event of `type` this run may consume, stored no later than `notAfter`. */
  peekEvent(type: string, notAfter: number): Promise<EventRecord | null> {
    return this.deps.store.peekEvent(this.key, this.runNumber, type, notAfter);
  }

  /**
   * Runs one wait's look-and-consume after the previous one's: two concurrent waits for the same
   * type would otherwise both pick the oldest event.
   */
  oneDeliveryAtATime<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.deliveries.then(work);
    this.deliveries = turn.catch(() => undefined);
    return turn;
  }

  async execute(): Promise<ExecutionOutcome> {
    const outcome = new Promise<Promise<ExecutionOutcome>>((resolve) => (this.resolveOutcome = resolve));
    if (this.claim.firstClaim) this.systemLog('info', `Run ${this.runNumber} started`);
    const { instance } = this.claim;
    const event: WorkflowEvent = {
      payload: parseJson(instance.params),
      timestamp: new Date(instance.createdAt),
      instanceId: instance.instanceId,
      workflowName: instance.workflowName,
      runNumber: this.runNumber,
    };
    const api = new StepApi(this, this.deps.limits);
    // Only now: nothing above may throw and leave a renewal timer holding the lease forever.
    this.keepLeaseAlive();
    Promise.resolve()
      .then(() => this.definition.run(event, api, { workflows: this.deps.client() }))
      .then(
        (output) => this.settle(() => this.finish({ output })),
        (error: unknown) => this.settle(() => this.finish({ error: toErrorInfo(error) })),
      );
    try {
      return await (await outcome);
    } finally {
      this.stopRenewing?.();
    }
  }

  // ---- what the step API uses --------------------------------------------------------------

  storedStep(name: string): StepRecord | undefined {
    return this.steps.get(name);
  }

  /** Whether a step with this name would be a new one beyond the run's limit of steps. */
  exceedsStepLimit(name: string, limit: number): boolean {
    return !this.names.has(name) && this.names.size >= limit;
  }

  isBusy(name: string): boolean {
    return this.inFlight.has(name) || this.blocked.has(name);
  }

  /** Marks a step as in progress. */
  begin(name: string): void {
    this.inFlight.add(name);
    this.names.add(name);
  }

  /** Marks a step as no longer in progress. */
  end(name: string): void {
    this.inFlight.delete(name);
    this.checkSuspended();
  }

  /** Called by the first step that has not completed before: from here on, code runs for real. */
  leaveReplay(): void {
    this.replaying = false;
  }

  /**
   * Whether a step may do new work in this claim: not when a pause is waiting for this step
   * boundary, nor when the step budget is spent. Counts the step when it may.
   */
  mayExecute(): boolean {
    // A claim that is over (finished, suspended, lost) starts nothing: not even code that caught
    // a LeaseLostError may have new side effects.
    if (this.lost || this.settled) return false;
    if (this.stopping || this.pauseRequested || this.executedSteps >= this.stepBudget) return false;
    this.executedSteps++;
    return true;
  }

  /** Parks a step until `dueAt`; the run suspends once no step is in progress. */
  block(name: string, dueAt: number, wait?: BlockedStep['wait']): Promise<never> {
    this.inFlight.delete(name);
    this.blocked.set(name, { dueAt, wait });
    this.checkSuspended();
    // A fresh promise each time: one shared never-settling promise would keep every caller alive.
    return new Promise<never>(() => {});
  }

  /** An error that ends the run whatever the workflow code does with it (too many steps). */
  failRun(error: ErrorInfo): void {
    this.fatal ??= error;
    this.settle(() => this.finish({ error }));
  }

  /** A new or updated step row, keeping identity fields of the stored one. */
  stepRecord(name: string, type: StepType, fields: Partial<StepRecord>): StepRecord {
    const now = this.now();
    const previous = this.steps.get(name);
    const record: StepRecord = {
      ...this.key,
      runNumber: this.runNumber,
      name,
      type,
      id: previous?.id ?? this.deps.ids.next(),
      seq: previous?.seq ?? this.nextSeq++,
      status: 'running',
      attempts: 0,
      maxAttempts: null,
      timeoutMs: null,
      nextRetryAt: null,
      wakeAt: null,
      waitEventType: null,
      result: null,
      error: null,
      createdAt: previous?.createdAt ?? now,
      ...previous,
      ...fields,
      updatedAt: now,
    };
    this.steps.set(name, record);
    return record;
  }

  /** Keeps a step row to be written with the next commit. */
  defer(record: StepRecord): void {
    this.pendingSteps.set(record.name, record);
  }

  /**
   * Commits deferred rows and `record` (and consumes `delivery`'s event) in one transaction, if
   * the lease still holds. Throws
   * `LeaseLostError` (and ends this execution) when it does not.
   */
  commit(record?: StepRecord, delivery?: EventDelivery): Promise<void> {
    if (record) this.defer(record);
    return this.write(async (steps, logs) => {
      const check = await this.deps.store.saveProgress(this.claim.lease, steps, logs, delivery);
      if (!check) throw new LeaseLostError(this.claim.lease);
      this.pauseRequested = check.pauseRequested;
    });
  }

  /**
   * Like `commit`, with more work in the same transaction; this one also extends the lease and
   * locks the run's queue row for the work (suspending, releasing, renewing).
   */
  commitWith(work: (tx: StoreTransaction, lease: LeaseCheck) => Promise<void>): Promise<void> {
    const lease = this.claim.lease;
    return this.write((steps, logs) =>
      this.deps.store.transaction(async (tx) => {
        const check = await tx.fenceLease(lease, this.now() + this.deps.leaseMs);
        if (!check) throw new LeaseLostError(lease);
        this.pauseRequested = check.pauseRequested;
        await work(tx, check);
        await tx.saveSteps(steps);
        await tx.insertLogs(logs);
      }),
    );
  }

  /** Extends the lease and nothing else: deferred rows wait for the next real commit. */
  private async renewLease(): Promise<void> {
    if (this.lost || this.settled) return;
    const lease = this.claim.lease;
    try {
      const check = await this.deps.store.transaction((tx) => tx.fenceLease(lease, this.now() + this.deps.leaseMs));
      if (!check) throw new LeaseLostError(lease);
      this.pauseRequested = check.pauseRequested;
    } catch (error) {
      this.abandon(error);
      throw error;
    }
  }

  /** Hands the deferred rows to `persist`; a failure ends this execution as lost. */
  private async write(persist: (steps: StepRecord[], logs: NewLogRecord[]) => Promise<void>): Promise<void> {
    if (this.lost) throw new LeaseLostError(this.claim.lease);
    const steps = [...this.pendingSteps.values()];
    const logs = this.pendingLogs;
    this.pendingSteps = new Map();
    this.pendingLogs = [];
    try {
      await persist(steps, logs);
    } catch (error) {
      this.abandon(error);
      throw error;
    }
  }

  /** A line from workflow code: it belongs to the step attempt it was written in, if any. */
  log(level: LogLevel, message: unknown, data: unknown, category: string | undefined): void {
    if (this.settled) return;
    const scope = stepScope.getStore();
    this.addLog(level, message, data, {
      category: category === 'system' ? 'workflow' : (category ?? 'workflow'),
      step: scope && { name: scope.stepName, attempt: scope.attempt },
      isReplay: !scope && this.replaying,
    });
  }

  /** A line the engine writes itself (category `system`). */
  systemLog(level: LogLevel, message: string, step?: { name: string; attempt: number }, data?: unknown): void {
    this.addLog(level, message, data, { category: 'system', step, isReplay: false });
  }

  private addLog(
    level: LogLevel,
    message: unknown,
    data: unknown,
    where: { category: string; step?: { name: string; attempt: number }; isReplay: boolean },
  ): void {
    this.pendingLogs.push(
      buildLogRecord(this.deps.limits, {
        ...this.key,
        runNumber: this.runNumber,
        stepName: where.step?.name ?? null,
        attempt: where.step?.attempt ?? null,
        level,
        category: where.category,
        message,
        data,
        isReplay: where.isReplay,
        createdAt: this.now(),
      }),
    );
  }

  // ---- how a claim ends --------------------------------------------------------------------

  /** Shutdown, first stage: let the step in progress finish, start no other, then suspend. */
  stopAtNextStepBoundary(): void {
    this.stopping = true;
  }

  /**
   * Shutdown, last stage, for a step that did not finish in time: gives the run back to the queue,
   * due now, so another process takes it over at once instead of after the lease expires. The
   * step's eventual result is discarded (it will run again: at-least-once).
   */
  async release(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const outcome = this.commitWith(async (tx, { pauseRequested }) => {
      const now = this.now();
      // A pause asked for meanwhile stays asked for; the next runner honours it.
      if (!pauseRequested) await tx.updateInstance(this.key, { status: 'queued', updatedAt: now });
      await tx.putTasks([{ ...this.releasedTask(now), pauseRequested }]);
      await tx.signalRunnable();
    }).then(
      () => 'lost' as const,
      (error: unknown) => this.lostOutcome(error),
    );
    this.lost = true;
    this.resolveOutcome(outcome);
    await outcome;
  }

  private settle(end: () => Promise<ExecutionOutcome>): void {
    if (this.settled) return;
    this.settled = true;
    const outcome = end().catch((error: unknown) => this.lostOutcome(error));
    // Once the run has finished, suspended or been given up, steps still in flight (a concurrent
    // step that outlived a failure, a timed-out attempt) have nothing left to write to.
    void outcome.then(() => (this.lost = true));
    this.resolveOutcome(outcome);
  }

  private abandon(error: unknown): void {
    this.lost = true;
    if (this.settled) return;
    this.settled = true;
    this.resolveOutcome(Promise.resolve(this.lostOutcome(error)));
  }

  private lostOutcome(error: unknown): ExecutionOutcome {
    const message = error instanceof LeaseLostError ? 'Lease lost; stopped advancing the run' : 'Could not persist the run';
    this.deps.logger.warn(message, { ...this.key, runNumber: this.runNumber, error: toErrorInfo(error) });
    return 'lost';
  }

  /** Suspends once nothing is in progress and something waits, after pending callbacks had a turn. */
  private checkSuspended(): void {
    if (this.settled || this.inFlight.size > 0 || this.blocked.size === 0) return;
    setImmediate(() => {
      if (this.inFlight.size === 0 && this.blocked.size > 0) this.settle(() => this.suspend());
    });
  }

  private async finish(result: { output?: unknown; error?: ErrorInfo }): Promise<ExecutionOutcome> {
    let error = this.fatal ?? result.error;
    let outputText: string | null = null;
    if (!error) {
      const serialized = serializeJson(result.output, this.deps.limits.maxPayloadBytes);
      if (serialized.ok) outputText = serialized.text;
      else error = { name: 'WorkflowOutputError', message: `The workflow's return value is ${serialized.reason}` };
    }
    const now = this.now();
    if (error) this.systemLog('error', `Run ${this.runNumber} errored: ${error.name}: ${error.message}`);
    else this.systemLog('info', `Run ${this.runNumber} completed`);
    const patch = { status: error ? 'errored' : 'complete', output: outputText, error: error ?? null, completedAt: now, updatedAt: now } as const;
    await this.write(async (steps, logs) => {
      if (!(await this.deps.store.finishRun(this.claim.lease, patch, steps, logs))) throw new LeaseLostError(this.claim.lease);
    });
    return patch.status;
  }

  private async suspend(): Promise<ExecutionOutcome> {
    const blocked = [...this.blocked.values()];
    const waits = blocked.flatMap((b) => (b.wait ? [b.wait] : []));
    const earliest = Math.min(...blocked.map((b) => b.dueAt));
    await this.commitWith(async (tx, { pauseRequested }) => {
      const now = this.now();
      if (pauseRequested) {
        this.systemLog('info', 'Paused');
        await tx.updateInstance(this.key, { status: 'paused', updatedAt: now });
        await tx.putTasks([this.releasedTask(null)]);
        return;
      }
      // An event may have been stored after this run looked for it and before this commit.
      const eventArrived = waits.length > 0 && (await tx.hasDeliverableEvent(this.key, this.runNumber, waits));
      const dueAt = eventArrived ? now : earliest;
      await tx.updateInstance(this.key, { status: dueAt <= now ? 'queued' : 'waiting', updatedAt: now });
      await tx.putTasks([this.releasedTask(dueAt)]);
      // Runnable now but not by this claim: any process may take it (this one may be stopping).
      if (dueAt <= now) await tx.signalRunnable();
    });
    return 'suspended';
  }

  /** The queue row without a lease, due at `dueAt` (null: held, as when paused). */
  private releasedTask(dueAt: number | null): TaskRecord {
    return unleasedTask(this.key, this.runNumber, 'resume', dueAt);
  }

  /** Renews the lease while user code runs, well before it expires. */
  private keepLeaseAlive(): void {
    const every = Math.max(1, Math.floor(this.deps.leaseMs / 3));
    const schedule = () => {
      const cancel = this.deps.clock.setTimer(every, () => {
        if (this.settled) return;
        this.renewLease().then(schedule, () => undefined);
      });
      this.stopRenewing = cancel;
    };
    schedule();
  }
}
