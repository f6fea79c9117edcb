import type { ErrorInfo } from '../errors';
import type { StepType } from '../model';
import type { DatabaseErrorKind } from './store-errors';

/**
 * What the engine tells the outside about its own work, for logs, metrics and traces. The engine
 * calls it at the points an operator cares about and knows nothing of what listens; the Nest
 * module fans it out to its log, metrics and tracing adapters (each may be off).
 *
 * Implementations must not throw: a telemetry fault never changes what happens to a run.
 */
export interface EngineTelemetry {
  /** A claim of one run begins; the observation follows it until the claim ends. */
  runClaimed(run: ObservedRun): RunObservation;
  /** One round of claiming due runs took `durationMs` and got `claimed` of them. */
  claimRound(round: { durationMs: number; claimed: number }): void;
  /** A lease was renewed while its run was claimed. */
  leaseRenewed(run: ObservedRunKey): void;
  /** One `tick()` (an external scheduler's round) took `durationMs` and advanced `processed` runs. */
  tick(round: { durationMs: number; processed: number }): void;
  /**
   * A database statement failed, as the store classified it. The store's adapter reports it, not
   * the engine, which never sees driver errors.
   */
  databaseError(error: { kind: DatabaseErrorKind }): void;
  /** Retention deleted `count` finished instances of a workflow (one batch). */
  instancesPurged(purge: { workflowName: string; count: number }): void;
}

export interface ObservedRunKey {
  workflowName: string;
  instanceId: string;
  runNumber: number;
}

export interface ObservedRun extends ObservedRunKey {
  /** The run had never been claimed before: it starts now. */
  firstClaim: boolean;
  /** The W3C `traceparent` stored with the instance when it was created, if any. */
  traceParent: string | null;
  /** Another owner held the run and its lease expired: this claim takes it over. */
  takenOver: boolean;
}

/** How a claim ended: `lost` when another process holds the run now or the database stayed away. */
export type ClaimEnd =
  | { outcome: 'complete' }
  | { outcome: 'errored'; error: ErrorInfo }
  | { outcome: 'suspended' }
  | { outcome: 'released' }
  | { outcome: 'lost' };

export interface RunObservation {
  /** An attempt of a `do` step starts (replayed steps are not attempts). */
  stepAttempt(step: { name: string; type: StepType; attempt: number }): AttemptObservation;
  /** A `waitForEvent` got its event; `waitedMs` from the event's arrival to its delivery. */
  eventDelivered(event: { type: string; waitedMs: number }): void;
  /** A line of workflow code (`step.log`), as stored. */
  workflowLog(line: { level: string; category: string; message: string; stepName: string | null }): void;
  ended(end: ClaimEnd): void;
}

export interface AttemptObservation {
  /** Runs the attempt's code inside the observation (a trace span's context, say). */
  run<T>(code: () => Promise<T>): Promise<T>;
  /** The attempt finished; a failed one says when it is retried, or null when it is not. */
  ended(result: { ok: true } | { ok: false; error: ErrorInfo; retryAt: number | null }): void;
}

const noAttempt: AttemptObservation = { run: (code) => code(), ended() {} };
const noRun: RunObservation = { stepAttempt: () => noAttempt, eventDelivered() {}, workflowLog() {}, ended() {} };

/** Telemetry that listens to nothing: the engine's default. */
export const noTelemetry: EngineTelemetry = { runClaimed: () => noRun, claimRound() {}, leaseRenewed() {}, tick() {}, databaseError() {}, instancesPurged() {} };

/**
 * Every telemetry in `parts` hears everything. A call that throws is reported to `onFault` and
 * skipped, the others are not: an observer's bug must not stop a run or blind the other observers.
 */
export function fanOutTelemetry(parts: EngineTelemetry[], onFault: (error: unknown) => void = () => {}): EngineTelemetry {
  if (parts.length === 0) return noTelemetry;
  const safely = <T>(call: () => T): T | undefined => {
    try {
      return call();
    } catch (error) {
      onFault(error);
      return undefined;
    }
  };
  const each = <T>(items: T[], call: (item: T) => void) => items.forEach((item) => safely(() => call(item)));
  /** The code inside the attempt's observation; if the observer fails, the code runs all the same (once). */
  const within = <T>(attempt: AttemptObservation, code: () => Promise<T>) => (): Promise<T> => {
    let started: Promise<T> | undefined;
    const observed = safely(() => attempt.run(() => (started = code())));
    // Once the code runs, its own outcome is the attempt's: an observer failing after it is only reported.
    if (started) {
      observed?.catch(onFault);
      return started;
    }
    // An observer that runs the code later (after a prelude of its own) is waited for; one that failed first is skipped.
    return observed ?? code();
  };
  return {
    runClaimed(run) {
      const runs = parts.map((part) => safely(() => part.runClaimed(run)) ?? noRun);
      return {
        stepAttempt(step) {
          const attempts = runs.map((observation) => safely(() => observation.stepAttempt(step)) ?? noAttempt);
          return {
            // Nested, so that each observer's context (a span, say) surrounds the code.
            run: <T>(code: () => Promise<T>) => attempts.reduceRight((inner, attempt) => within(attempt, inner), code)(),
            ended: (result) => each(attempts, (attempt) => attempt.ended(result)),
          };
        },
        eventDelivered: (event) => each(runs, (observation) => observation.eventDelivered(event)),
        workflowLog: (line) => each(runs, (observation) => observation.workflowLog(line)),
        ended: (end) => each(runs, (observation) => observation.ended(end)),
      };
    },
    claimRound: (round) => each(parts, (part) => part.claimRound(round)),
    leaseRenewed: (run) => each(parts, (part) => part.leaseRenewed(run)),
    tick: (round) => each(parts, (part) => part.tick(round)),
    databaseError: (error) => each(parts, (part) => part.databaseError(error)),
    instancesPurged: (purge) => each(parts, (part) => part.instancesPurged(purge)),
  };
}
