import type { LogLevel, WorkflowDefinition, WorkflowEvent } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { type ErrorInfo, StoreWriteError, errorInfo, toErrorInfo } from '../errors';
import { type ExecutionScope, currentExecutionScope, outsideScope, runInScope } from '../execution-scope';
import { parseJson, serializeJson } from '../json';
import { type EventRecord, type NewLogRecord, type StepRecord, type StepType, type TaskRecord, unleasedTask } from '../model';
import type { ClaimedRun, EventDelivery, LeaseCheck } from '../ports/store';
import { isDatabaseUnavailable, StoreDataError } from '../ports/store-errors';
import { StepApi } from '../step/step-api';
import type { StepHost } from '../step/step-host';
import { type BlockedStep, StepLedger } from '../step/step-ledger';
import { buildLogRecord, SYSTEM_LOG_CATEGORY, userLogCategory } from '../step/step-log';
import { LeaseKeeper } from './lease-keeper';
import { LeaseLostError } from './lease-lost-error';
import { ProgressWriter } from './progress-writer';

export type ExecutionOutcome = 'complete' | 'errored' | 'suspended' | 'lost';

/**
 * Where a claim is in its life:
 * - `running`: workflow code runs; steps start and commit.
 * - `stopping`: shutdown asked; steps in progress finish, none starts, the run suspends at its boundary.
 * - `ending`: finishing, suspending or being released; no step starts (a step still in progress may commit).
 * - `over`: nothing more is written; `outcome` says how it ended.
 */
type ClaimState = { phase: 'running' } | { phase: 'stopping' } | { phase: 'ending' } | { phase: 'over'; outcome: ExecutionOutcome };

/**
 * One claim's worth of work on one run: executes the workflow code from the start, answering
 * completed steps from storage (replay) and running new ones, until the code finishes, every
 * remaining step must wait, the step budget is spent, or the lease is lost.
 *
 * Writes: each completed `step.do` commits on its own (its side effect happened); other state
 * (log lines, sleeps, scheduled retries) rides along with the next commit (see ProgressWriter).
 */
export class RunExecution implements StepHost {
  readonly ledger: StepLedger;
  readonly scope: ExecutionScope;
  private readonly writer: ProgressWriter;
  private readonly leaseKeeper: LeaseKeeper;
  private state: ClaimState = { phase: 'running' };
  private pauseRequested: boolean;
  /** An error that ends the run whatever the workflow code does with it (too many steps). */
  private fatal?: ErrorInfo;
  private deliveries: Promise<unknown> = Promise.resolve();
  private announceOutcome!: (outcome: ExecutionOutcome) => void;
  private readonly outcome = new Promise<ExecutionOutcome>((resolve) => (this.announceOutcome = resolve));

  constructor(
    private readonly deps: EngineDeps,
    private readonly definition: WorkflowDefinition,
    private readonly claim: ClaimedRun,
    storedSteps: StepRecord[],
    stepBudget: number,
  ) {
    const { workflowName, instanceId } = claim.instance;
    this.scope = { workflowName, instanceId, runNumber: claim.lease.runNumber };
    this.ledger = new StepLedger(this.scope, storedSteps, stepBudget, deps.limits.maxStepsPerRun);
    this.writer = new ProgressWriter(deps.store, deps.clock, claim.lease, deps.leaseMs);
    this.leaseKeeper = new LeaseKeeper(
      deps.clock,
      deps.leaseMs,
      () => this.writer.renew(),
      (check) => this.notePause(check),
      (error) => this.abandon(error),
    );
    this.pauseRequested = claim.instance.status === 'waitingForPause';
  }

  get limits() {
    return this.deps.limits;
  }

  get runNumber(): number {
    return this.claim.lease.runNumber;
  }

  private get key() {
    return { workflowName: this.scope.workflowName, instanceId: this.scope.instanceId };
  }

  async execute(): Promise<ExecutionOutcome> {
    if (this.claim.firstClaim) this.systemLog('info', `Run ${this.runNumber} started`);
    const { instance } = this.claim;
    const event: WorkflowEvent = {
      payload: parseJson(instance.params),
      timestamp: new Date(instance.createdAt),
      instanceId: instance.instanceId,
      workflowName: instance.workflowName,
      runNumber: this.runNumber,
    };
    const api = new StepApi(this);
    // Only now: nothing above may throw and leave a renewal timer holding the lease forever.
    this.leaseKeeper.start();
    void runInScope(this.scope, () => Promise.resolve().then(() => this.definition.run(event, api, { workflows: this.deps.client() }))).then(
      (output) => this.conclude(() => this.finish({ output })),
      (error: unknown) => this.conclude(() => this.finish({ error: toErrorInfo(error) })),
    );
    try {
      return await this.outcome;
    } finally {
      this.leaseKeeper.stop();
    }
  }

  // ---- the step host -----------------------------------------------------------------------

  now(): number {
    return this.deps.clock.now();
  }

  setTimer(ms: number, callback: () => void): () => void {
    return this.deps.clock.setTimer(ms, callback);
  }

  record(name: string, type: StepType, fields: Partial<StepRecord>): StepRecord {
    return this.ledger.record(name, type, fields, this.now(), () => this.deps.ids.next());
  }

  defer(record: StepRecord): void {
    this.writer.defer(record);
  }

  commit(record?: StepRecord, delivery?: EventDelivery): Promise<void> {
    return outsideScope(async () => {
      try {
        this.notePause(await this.writer.commit(record, delivery));
      } catch (error) {
        this.onWriteFailure(error);
        throw error;
      }
    });
  }

  startWork(): boolean {
    // A claim that is over (finished, suspended, lost) starts nothing: not even code that caught
    // a LeaseLostError may have new side effects. Nor does one whose lease ran out while the
    // database was away: another process may be about to run the same step.
    if (this.state.phase !== 'running' || this.pauseRequested || this.writer.leaseRanOut) return false;
    return this.ledger.spendStep();
  }

  begin(name: string): void {
    this.ledger.begin(name);
  }

  end(name: string): void {
    this.ledger.end(name);
    this.suspendWhenIdle();
  }

  park(name: string, dueAt: number, wait?: BlockedStep['wait']): Promise<never> {
    this.ledger.block(name, dueAt, wait);
    this.suspendWhenIdle();
    // A fresh promise each time: one shared never-settling promise would keep every caller alive.
    return new Promise<never>(() => {});
  }

  failRun(error: ErrorInfo): void {
    this.fatal ??= error;
    this.conclude(() => this.finish({ error }));
  }

  peekEvent(type: string, notAfter: number): Promise<EventRecord | null> {
    return outsideScope(async () => {
      try {
        return await this.writer.reading(() => this.deps.store.peekEvent(this.key, this.runNumber, type, notAfter));
      } catch (error) {
        // Never thrown into the workflow as its own failure: the claim is given up instead.
        this.abandon(error);
        throw error;
      }
    });
  }

  oneDeliveryAtATime<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.deliveries.then(work);
    this.deliveries = turn.catch(() => undefined);
    return turn;
  }

  log(level: LogLevel, message: unknown, data: unknown, category: unknown): void {
    if (this.state.phase === 'ending' || this.state.phase === 'over') return;
    const scope = currentExecutionScope();
    const step = scope?.stepName === undefined ? undefined : { name: scope.stepName, attempt: scope.attempt! };
    this.writer.log(this.logRecord(level, message, data, userLogCategory(category), step, !step && this.ledger.replaying));
  }

  systemLog(level: LogLevel, message: string, step?: { name: string; attempt: number }): void {
    this.writer.log(this.logRecord(level, message, undefined, SYSTEM_LOG_CATEGORY, step, false));
  }

  // ---- how a claim ends --------------------------------------------------------------------

  /** Shutdown, first stage: let the step in progress finish, start no other, then suspend. */
  stopAtNextStepBoundary(): void {
    if (this.state.phase === 'running') this.state = { phase: 'stopping' };
  }

  /**
   * Shutdown, last stage, for a step that did not finish in time: gives the run back to the queue,
   * due now, so another process takes it over at once instead of after the lease expires. The
   * step's eventual result is discarded (it will run again: at-least-once).
   */
  async release(): Promise<void> {
    if (this.state.phase === 'ending' || this.state.phase === 'over') return;
    this.state = { phase: 'ending' };
    const released = this.writer.commitFenced(async (tx, { pauseRequested }) => {
      const now = this.now();
      // A pause asked for meanwhile stays asked for; the next runner honours it.
      if (!pauseRequested) await tx.updateInstance(this.key, { status: 'queued', updatedAt: now });
      await tx.putTasks([{ ...this.releasedTask(now), pauseRequested }]);
      await tx.signalRunnable();
    }, 'withinLease');
    // The step in progress writes nothing more.
    this.writer.close();
    this.over(await released.then(() => 'lost' as const, (error: unknown) => this.lostOutcome(error)));
  }

  /** Chooses how this claim ends, once; a later choice changes nothing. */
  private conclude(how: () => Promise<ExecutionOutcome>): void {
    if (this.state.phase === 'ending' || this.state.phase === 'over') return;
    this.state = { phase: 'ending' };
    void outsideScope(() => how().catch((error: unknown) => this.endAfterFailedWrite(error))).then((outcome) => this.over(outcome));
  }

  /**
   * A write failed. A lost lease or a database still away leaves the run to the queue. Anything
   * else would fail again on every claim: the run ends errored, without the rows that failed.
   */
  private async endAfterFailedWrite(error: unknown): Promise<ExecutionOutcome> {
    if (error instanceof LeaseLostError || isDatabaseUnavailable(error)) return this.lostOutcome(error);
    const info = error instanceof StoreDataError ? refusedWriteError(error) : toErrorInfo(error);
    try {
      return await this.writeEnd(info, null, true);
    } catch (failure) {
      return this.lostOutcome(failure);
    }
  }

  private over(outcome: ExecutionOutcome): void {
    if (this.state.phase === 'over') return;
    // Steps still in flight (a concurrent step that outlived a failure, a timed-out attempt)
    // have nothing left to write to.
    this.state = { phase: 'over', outcome };
    this.writer.close();
    this.announceOutcome(outcome);
  }

  /** The lease is gone or the database stayed away: stop writing, leave the run to the queue. */
  private abandon(error: unknown): void {
    this.writer.close();
    // An end already being written decides the outcome itself.
    if (this.state.phase === 'running' || this.state.phase === 'stopping') this.over(this.lostOutcome(error));
  }

  private onWriteFailure(error: unknown): void {
    if (error instanceof LeaseLostError || isDatabaseUnavailable(error)) this.abandon(error);
    else this.conclude(() => Promise.reject(error));
  }

  private lostOutcome(error: unknown): ExecutionOutcome {
    const message = error instanceof LeaseLostError ? 'Lease lost; stopped advancing the run' : 'Could not persist the run';
    this.deps.logger.warn(message, { ...this.key, runNumber: this.runNumber, error: toErrorInfo(error) });
    return 'lost';
  }

  /** Suspends once nothing is in progress and something waits, after pending callbacks had a turn. */
  private suspendWhenIdle(): void {
    if (!(this.state.phase === 'running' || this.state.phase === 'stopping') || !this.ledger.suspendable) return;
    outsideScope(() =>
      setImmediate(() => {
        if (this.ledger.suspendable) this.conclude(() => this.suspend());
      }),
    );
  }

  private async finish(result: { output?: unknown; error?: ErrorInfo }): Promise<ExecutionOutcome> {
    let error = this.fatal ?? result.error ?? null;
    let output: string | null = null;
    if (!error) {
      const serialized = serializeJson(result.output, this.deps.limits.maxPayloadBytes);
      if (serialized.ok) output = serialized.text;
      else error = errorInfo('WorkflowOutputError', `The workflow's return value is ${serialized.reason}`);
    }
    return this.writeEnd(error, output, false);
  }

  /** Writes the run's end: complete with `output`, or errored with `error`. */
  private async writeEnd(error: ErrorInfo | null, output: string | null, discardPending: boolean): Promise<ExecutionOutcome> {
    if (discardPending) this.writer.discardPending();
    const now = this.now();
    if (error) this.systemLog('error', `Run ${this.runNumber} errored: ${error.name}: ${error.message}`);
    else this.systemLog('info', `Run ${this.runNumber} completed`);
    const status = error ? 'errored' : 'complete';
    await this.writer.finish({ status, output, error, completedAt: now, updatedAt: now });
    return status;
  }

  private async suspend(): Promise<ExecutionOutcome> {
    const parked = this.ledger.parked;
    const waits = parked.flatMap((p) => (p.wait ? [p.wait] : []));
    const earliest = Math.min(...parked.map((p) => p.dueAt));
    await this.writer.commitFenced(async (tx, { pauseRequested }) => {
      const now = this.now();
      if (pauseRequested) {
        await tx.updateInstance(this.key, { status: 'paused', updatedAt: now });
        await tx.putTasks([this.releasedTask(null)]);
        return [this.logRecord('info', 'Paused', undefined, SYSTEM_LOG_CATEGORY, undefined, false)];
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

  private notePause(check: LeaseCheck): void {
    this.pauseRequested = check.pauseRequested;
  }

  private logRecord(
    level: LogLevel,
    message: unknown,
    data: unknown,
    category: string,
    step: { name: string; attempt: number } | undefined,
    isReplay: boolean,
  ): NewLogRecord {
    return buildLogRecord(this.deps.limits, {
      ...this.scope,
      stepName: step?.name ?? null,
      attempt: step?.attempt ?? null,
      level,
      category,
      message,
      data,
      isReplay,
      createdAt: this.now(),
    });
  }
}

function refusedWriteError(error: StoreDataError): ErrorInfo {
  return toErrorInfo(new StoreWriteError(`The database refused to store this run's progress: ${error.message}`));
}
