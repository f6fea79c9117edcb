import { type ErrorInfo, errorInfo, StoreWriteError, toErrorInfo } from '../errors';
import type { ExecutionScope } from '../execution-scope';
import { serializeJson } from '../json';
import { moveFor, runnerMove } from '../lifecycle/transitions';
import type { EngineLimits } from '../limits';
import { type InstanceKey, type TaskRecord, unleasedTask } from '../model';
import type { Clock } from '../ports/clock';
import type { StoreTransaction } from '../ports/store';
import { StoreDataError } from '../ports/store-errors';
import type { ClaimEnd } from '../ports/telemetry';
import type { BlockedStep } from '../step/step-ledger';
import type { ProgressWriter } from './progress-writer';
import type { RunLog } from './run-log';

/** What the writes that end a claim need. */
export interface EndingContext {
  run: ExecutionScope;
  clock: Clock;
  writer: ProgressWriter;
  log: RunLog;
  /** Tells this process's runner that a run became runnable now. */
  wakeRunner: () => void;
}

const keyOf = ({ run }: EndingContext): InstanceKey => ({ workflowName: run.workflowName, instanceId: run.instanceId });

/** The queue row without a lease, due at `dueAt` (null: held, as when paused). */
function releasedTask(context: EndingContext, dueAt: number | null): TaskRecord {
  return unleasedTask(keyOf(context), context.run.runNumber, 'resume', dueAt);
}

type RunEnd = Extract<ClaimEnd, { outcome: 'complete' | 'errored' }>;

/** The run is over: complete with `output`, or errored with `error`. */
export async function writeRunEnd(context: EndingContext, error: ErrorInfo | null, output: string | null): Promise<RunEnd> {
  const { run, clock, writer, log } = context;
  writer.log(error ? log.systemLine('error', `Run ${run.runNumber} errored: ${error.name}: ${error.message}`) : log.systemLine('info', `Run ${run.runNumber} completed`));
  const { status } = runnerMove(error ? 'failed' : 'completed', false);
  const now = clock.now();
  // Runs waiting for this instance (step.waitForWorkflow) go on now, woken in the same write.
  if (await writer.finish({ status, output, error, completedAt: now, updatedAt: now }, moveFor('wokenByWorkflow', 'waiting').status)) context.wakeRunner();
  return error ? { outcome: 'errored', error } : { outcome: 'complete' };
}

/** The workflow returned: complete with its output, unless that cannot be stored. */
export function writeRunOutput(context: EndingContext, output: unknown, limits: EngineLimits): Promise<RunEnd> {
  const serialized = serializeJson(output, limits.maxPayloadBytes);
  if (serialized.ok) return writeRunEnd(context, null, serialized.text);
  return writeRunEnd(context, errorInfo('WorkflowOutputError', `The workflow's return value is ${serialized.reason}`), null);
}

/**
 * A write failed for a reason that would fail it again on every claim (the database refused its
 * data, a bug): the run ends errored instead, without the rows that failed.
 */
export async function writeEndForRefusedWrite(context: EndingContext, error: unknown): Promise<RunEnd> {
  const info =
    error instanceof StoreDataError
      ? toErrorInfo(new StoreWriteError(`The database refused to store this run's progress: ${error.message}`))
      : toErrorInfo(error);
  context.writer.discardPending();
  return writeRunEnd(context, info, null);
}

/**
 * Every step left is parked: the run goes back to the queue, due when the earliest of them is
 * (or now, when an event one of them waits for arrived meanwhile, or an instance one of them
 * waits for finished), or held when a pause was asked.
 */
export async function writeSuspension(context: EndingContext, parked: BlockedStep[]): Promise<ClaimEnd> {
  const waits = parked.flatMap((p) => (p.wait ? [p.wait] : []));
  const awaited = parked.flatMap((p) => (p.awaits ? [p.awaits] : []));
  const earliest = Math.min(...parked.map((p) => p.dueAt));
  let awaitedEnded = false;
  // Each awaited instance's queue row is marked and locked (before this run's own): one that
  // ends after this commit wakes this run; one that has ended already makes it due now.
  const awaitAll = async (tx: StoreTransaction) => void (awaitedEnded = !(await tx.awaitInstances(awaited)));
  await context.writer.commitFenced(async (tx, { pauseRequested }) => {
    const now = context.clock.now();
    // An event may have been stored after this run looked for it and before this commit.
    const eventArrived = waits.length > 0 && (await tx.hasDeliverableEvent(keyOf(context), context.run.runNumber, waits));
    const dueAt = eventArrived || awaitedEnded ? now : earliest;
    const move = runnerMove(dueAt <= now ? 'suspendedDueNow' : 'suspendedUntilLater', pauseRequested);
    await tx.updateInstance(keyOf(context), { status: move.status, updatedAt: now });
    await tx.putTasks([releasedTask(context, move.queue === 'hold' ? null : dueAt)]);
    // Runnable now but not by this claim: any process may take it (this one may be stopping).
    if (move.queue === 'dueNow') await tx.signalRunnable();
    return move.queue === 'hold' ? [context.log.systemLine('info', 'Paused')] : [];
  }, 'pastLease', awaitAll);
  return { outcome: 'suspended' };
}

/**
 * Shutdown, for a step that did not finish in time: the run goes back to the queue, due now, for
 * another process to take at once; a pause asked for meanwhile stays asked for.
 */
export async function writeRelease(context: EndingContext): Promise<ClaimEnd> {
  await context.writer.commitFenced(async (tx, { pauseRequested }) => {
    const now = context.clock.now();
    const move = runnerMove('released', pauseRequested);
    await tx.updateInstance(keyOf(context), { status: move.status, updatedAt: now });
    await tx.putTasks([{ ...releasedTask(context, now), pauseRequested }]);
    await tx.signalRunnable();
  }, 'withinLease');
  return { outcome: 'released' };
}
