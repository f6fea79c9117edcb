import type { LogLevel, WorkflowDefinition } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { type ErrorInfo, toErrorInfo } from '../errors';
import { type ExecutionScope, outsideScope, runInScope } from '../execution-scope';
import { ChildWorkflows } from '../lifecycle/child-workflows';
import type { EventRecord, InstanceKey, InstanceRecord, StepRecord, StepType } from '../model';
import type { ClaimedRun, EventDelivery, LeaseCheck, StoreTransaction } from '../ports/store';
import { isDatabaseUnavailable } from '../ports/store-errors';
import type { ClaimEnd, RunObservation } from '../ports/telemetry';
import { StepApi } from '../step/step-api';
import type { StepHost } from '../step/step-host';
import { type BlockedStep, StepLedger } from '../step/step-ledger';
import { ClaimState, type ExecutionOutcome, outcomeOf } from './claim-state';
import { ClaimStorage } from './claim-storage';
import { LeaseKeeper } from './lease-keeper';
import { LeaseLostError } from './lease-lost-error';
import { ProgressWriter } from './progress-writer';
import { type EndingContext, writeEndForRefusedWrite, writeRelease, writeRunEnd, writeRunOutput, writeSuspension } from './run-endings';
import { RunLog } from './run-log';
import { workflowEventOf } from '../views';

/**
 * One claim's worth of work on one run: executes the workflow code from the start, answering
 * completed steps from storage (replay) and running new ones, until the code finishes, every
 * remaining step must wait, the step budget is spent, or the lease is lost. Each completed
 * `step.do` commits on its own (its side effect happened); other state rides along with the next
 * commit (see ProgressWriter).
 */
export class RunExecution implements StepHost {
  readonly ledger: StepLedger;
  readonly scope: ExecutionScope;
  private readonly writer: ProgressWriter;
  private readonly leaseKeeper: LeaseKeeper;
  private readonly runLog: RunLog;
  private readonly state = new ClaimState();
  private pauseRequested: boolean;
  /** An error that ends the run whatever the workflow code does with it (too many steps). */
  private fatal?: ErrorInfo;
  readonly observation: RunObservation;
  /** Aborted when the claim is over, however it ended (StepAttempt.signal). */
  private readonly claimOver = new AbortController();
  readonly signal: AbortSignal = this.claimOver.signal;
  readonly children: ChildWorkflows;
  private readonly storage: ClaimStorage;

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
    this.runLog = new RunLog(this.scope, deps.limits, deps.clock);
    const renew = () => this.writer.renew().then((check) => (deps.telemetry.leaseRenewed(this.scope), check));
    this.leaseKeeper = new LeaseKeeper(deps.clock, deps.leaseMs, renew, (check) => this.notePause(check), (error) => this.abandon(error));
    this.pauseRequested = claim.instance.status === 'waitingForPause';
    this.children = new ChildWorkflows(deps);
    this.storage = new ClaimStorage(deps.store, this.writer, this.scope, {
      abandon: (error) => this.abandon(error),
      refused: (error) => this.conclude(() => Promise.reject(error)),
      checked: (check) => this.notePause(check),
    });
    this.observation = deps.telemetry.runClaimed({ ...this.scope, firstClaim: claim.firstClaim, traceParent: claim.instance.traceParent, takenOver: claim.takenOver });
  }

  get limits() {
    return this.deps.limits;
  }

  async execute(): Promise<ExecutionOutcome> {
    if (this.claim.firstClaim) this.systemLog('info', `Run ${this.scope.runNumber} started`);
    const event = workflowEventOf(this.claim.instance, this.scope.runNumber);
    const api = new StepApi(this);
    // Only now: nothing above may throw and leave a renewal timer holding the lease forever.
    this.leaseKeeper.start();
    void runInScope(this.scope, () => Promise.resolve().then(() => this.definition.run(event, api, { workflows: this.deps.client() }))).then(
      (output) => this.conclude(() => (this.fatal ? writeRunEnd(this.ending, this.fatal, null) : writeRunOutput(this.ending, output, this.limits))),
      (error: unknown) => this.conclude(() => writeRunEnd(this.ending, this.fatal ?? toErrorInfo(error), null)),
    );
    try {
      const end = await this.state.ended;
      this.observation.ended(end);
      return outcomeOf(end);
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
    // Stored already as it is (a step still waiting, replayed): writing it again changes nothing.
    if (!this.ledger.isAsLoaded(record)) this.writer.defer(record);
  }

  commit(record?: StepRecord, delivery?: EventDelivery): Promise<void> {
    return this.storage.commit(record, delivery);
  }

  commitWith(work: (tx: StoreTransaction) => Promise<StepRecord | null>): Promise<void> {
    return this.storage.commitWith(work);
  }

  wakeRunner = (): void => this.deps.onRunnable();

  findInstance(key: InstanceKey): Promise<InstanceRecord | null> {
    return this.storage.findInstance(key);
  }

  startWork(): boolean {
    // A claim that is over (finished, suspended, lost) starts nothing: not even code that caught
    // a LeaseLostError may have new side effects. Nor does one whose lease ran out while the
    // database was away: another process may be about to run the same step.
    if (!this.state.running || this.pauseRequested || this.writer.leaseRanOut) return false;
    return this.ledger.spendStep();
  }

  begin(name: string): void {
    this.ledger.begin(name);
  }

  end(name: string): void {
    this.ledger.end(name);
    this.suspendWhenIdle();
  }

  park(name: string, dueAt: number, on?: Omit<BlockedStep, 'dueAt'>): Promise<never> {
    this.ledger.block(name, dueAt, on);
    this.suspendWhenIdle();
    // A fresh promise each time: one shared never-settling promise would keep every caller alive.
    return new Promise<never>(() => {});
  }

  failRun(error: ErrorInfo): void {
    this.fatal ??= error;
    this.conclude(() => writeRunEnd(this.ending, error, null));
  }

  peekEvent(type: string, notAfter: number): Promise<EventRecord | null> {
    return this.storage.peekEvent(type, notAfter);
  }

  oneDeliveryAtATime<T>(work: () => Promise<T>): Promise<T> {
    return this.storage.oneDeliveryAtATime(work);
  }

  log(level: LogLevel, message: unknown, data: unknown, category: unknown): void {
    if (!this.state.open) return;
    const line = this.runLog.workflowLine(level, message, data, category, this.ledger.replaying);
    this.writer.log(line);
    if (!line.isReplay) this.observation.workflowLog(line);
  }

  systemLog(level: LogLevel, message: string, step?: { name: string; attempt: number }): void {
    this.writer.log(this.runLog.systemLine(level, message, step));
  }

  // ---- how a claim ends --------------------------------------------------------------------

  /** Shutdown, first stage: let the step in progress finish, start no other, then suspend. */
  stopAtNextStepBoundary(): void {
    this.state.stop();
  }

  /**
   * Shutdown, last stage, for a step that did not finish in time: the run goes back to the queue
   * (see writeRelease), and the step's eventual result is discarded (it will run again:
   * at-least-once).
   */
  async release(): Promise<void> {
    if (!this.state.beginEnding()) return;
    const released = writeRelease(this.ending);
    // The step in progress writes nothing more.
    this.writer.close();
    this.over(await released.catch((error: unknown) => this.lostOutcome(error)));
  }

  private get ending(): EndingContext {
    return { run: this.scope, clock: this.deps.clock, writer: this.writer, log: this.runLog, wakeRunner: this.wakeRunner };
  }

  /** Chooses how this claim ends, once; a later choice changes nothing. */
  private conclude(how: () => Promise<ClaimEnd>): void {
    if (!this.state.beginEnding()) return;
    void outsideScope(() => how().catch((error: unknown) => this.endAfterFailedWrite(error))).then((outcome) => this.over(outcome));
  }

  /** A write failed. A lost lease or a database still away leaves the run to the queue. */
  private async endAfterFailedWrite(error: unknown): Promise<ClaimEnd> {
    if (error instanceof LeaseLostError || isDatabaseUnavailable(error)) return this.lostOutcome(error);
    return writeEndForRefusedWrite(this.ending, error).catch((failure: unknown) => this.lostOutcome(failure));
  }

  private over(end: ClaimEnd): void {
    // Steps still in flight (a concurrent step that outlived a failure, a timed-out attempt)
    // have nothing left to write to, and are told so through their signal.
    this.writer.close();
    this.state.end(end);
    this.claimOver.abort();
  }

  /** The lease is gone or the database stayed away: stop writing, leave the run to the queue. */
  private abandon(error: unknown): void {
    this.writer.close();
    // An end already being written decides the outcome itself.
    if (this.state.open) this.over(this.lostOutcome(error));
  }

  private lostOutcome(error: unknown): ClaimEnd {
    const message = error instanceof LeaseLostError ? 'Lease lost; stopped advancing the run' : 'Could not persist the run';
    this.deps.logger.warn(message, { ...this.scope, error: toErrorInfo(error) });
    return { outcome: 'lost' };
  }

  /** Suspends once nothing is in progress and something waits, after pending callbacks had a turn. */
  private suspendWhenIdle(): void {
    if (!this.state.open || !this.ledger.suspendable) return;
    outsideScope(() =>
      setImmediate(() => {
        if (this.ledger.suspendable) this.conclude(() => writeSuspension(this.ending, this.ledger.parked));
      }),
    );
  }

  private notePause(check: LeaseCheck): void {
    this.pauseRequested = check.pauseRequested;
  }
}
