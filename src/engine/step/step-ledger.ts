import type { InstanceKey, StepRecord, StepType } from '../model';

/** Why a step cannot go on now, and when the run should be picked up again. */
export interface BlockedStep {
  dueAt: number;
  /** Set for `waitForEvent`, so a suspension never misses an event that arrived meanwhile. */
  wait?: { type: string; deadline: number };
  /** Set for `waitForWorkflow`: the instance whose end wakes the run (see awaitInstances). */
  awaits?: InstanceKey;
}

/** Where a ledger's new step rows belong. */
export interface LedgerRun {
  workflowName: string;
  instanceId: string;
  runNumber: number;
}

/**
 * The bookkeeping of one claim's steps, without any I/O: what is stored, what is in progress,
 * what is parked until when, how much of the step budget is spent. The run suspends when nothing
 * is in progress and something is parked.
 */
export class StepLedger {
  private readonly steps = new Map<string, StepRecord>();
  /** The rows as this claim loaded them: one recorded again unchanged need not be written again. */
  private readonly loaded: ReadonlySet<StepRecord>;
  /** Every step name this run has used, stored or in progress: what the step limit counts. */
  private readonly names = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly blocked = new Map<string, BlockedStep>();
  private nextSeq: number;
  private executed = 0;
  private replay: boolean;

  constructor(
    private readonly run: LedgerRun,
    stored: StepRecord[],
    /** Steps this claim may execute. */
    private readonly budget: number,
    /** Distinct steps a run may have. */
    private readonly maxSteps: number,
  ) {
    for (const step of stored) {
      this.steps.set(step.name, step);
      this.names.add(step.name);
    }
    this.loaded = new Set(stored);
    this.nextSeq = stored.reduce((max, step) => Math.max(max, step.seq), 0) + 1;
    this.replay = stored.length > 0;
  }

  stored(name: string): StepRecord | undefined {
    return this.steps.get(name);
  }

  /** True until the first step that had not completed before: code runs for real from there on. */
  get replaying(): boolean {
    return this.replay;
  }

  leaveReplay(): void {
    this.replay = false;
  }

  isBusy(name: string): boolean {
    return this.inFlight.has(name) || this.blocked.has(name);
  }

  /** Whether a step with this name would be a new one beyond the run's limit of steps. */
  exceedsStepLimit(name: string): boolean {
    return !this.names.has(name) && this.names.size >= this.maxSteps;
  }

  begin(name: string): void {
    this.inFlight.add(name);
    this.names.add(name);
  }

  end(name: string): void {
    this.inFlight.delete(name);
  }

  /** Parks a step until `dueAt`. */
  block(name: string, dueAt: number, on: Omit<BlockedStep, 'dueAt'> = {}): void {
    this.inFlight.delete(name);
    this.blocked.set(name, { dueAt, ...on });
  }

  /** Counts one more executed step if the budget allows it; false when it is spent. */
  spendStep(): boolean {
    if (this.executed >= this.budget) return false;
    this.executed++;
    return true;
  }

  /** Nothing is in progress and something is parked. */
  get suspendable(): boolean {
    return this.inFlight.size === 0 && this.blocked.size > 0;
  }

  get parked(): BlockedStep[] {
    return [...this.blocked.values()];
  }

  /**
   * A new or updated step row, keeping identity fields of the stored one; it becomes the stored
   * one. When it would change nothing but its time, it is the stored one itself (a run woken
   * again keeps its thousand waiting steps as they are, unwritten: see isAsLoaded).
   */
  record(name: string, type: StepType, fields: Partial<StepRecord>, now: number, newId: () => string): StepRecord {
    const previous = this.steps.get(name);
    const record: StepRecord = {
      ...this.run,
      name,
      id: previous?.id ?? newId(),
      seq: previous?.seq ?? this.nextSeq++,
      status: 'running',
      attempts: 0,
      // A sleep or a wait runs once; a `do` step says how often it may run.
      maxAttempts: type === 'do' ? null : 1,
      timeoutMs: null,
      nextRetryAt: null,
      wakeAt: null,
      waitEventType: null,
      childWorkflowName: null,
      childInstanceId: null,
      result: null,
      error: null,
      createdAt: previous?.createdAt ?? now,
      ...previous,
      ...fields,
      // The step's type is the one it was first used as (a mismatch is refused before this).
      type: previous?.type ?? type,
      updatedAt: now,
    };
    if (previous && sameData(previous, record)) return previous;
    this.steps.set(name, record);
    return record;
  }

  /** Whether this row is exactly as this claim loaded it from storage. */
  isAsLoaded(record: StepRecord): boolean {
    return this.loaded.has(record);
  }
}

/** Whether two versions of a step row hold the same data, the time of their writing aside. */
function sameData(a: StepRecord, b: StepRecord): boolean {
  return (Object.keys(b) as (keyof StepRecord)[]).every(
    (field) => field === 'updatedAt' || (field === 'error' ? JSON.stringify(a.error) === JSON.stringify(b.error) : a[field] === b[field]),
  );
}
