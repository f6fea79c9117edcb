import type { EngineDeps } from '../engine-deps';
import { assertInstanceId } from '../identifiers';
import { type InstanceKey, type InstanceRecord, type InstanceStatus, unleasedTask } from '../model';
import type { InstancePatch, StoreTransaction } from '../ports/store';
import { detailsOf } from '../views';
import type { CreatedInstance } from './create-instances';
import { lockInstance, terminalConflict, writeSystemLog } from './instance-lock';
import { INITIAL_STATUS, type ManagementAction, type Move, moveFor, TERMINAL_STATUSES, transitionFor } from './transitions';

/** The system log line for each status an action can lead to. */
const ACTION_LOG: Partial<Record<InstanceStatus, string>> = {
  paused: 'Paused',
  waitingForPause: 'Pause requested; pausing at the next step boundary',
  queued: 'Resumed',
  running: 'Resumed; pause request withdrawn',
  terminated: 'Terminated',
};

type Managed = { instance: InstanceRecord; runnable: boolean };
type Locked = Awaited<ReturnType<typeof lockInstance>>;

/** pause, resume, terminate and restart, as the status table says. */
export class InstanceManagement {
  constructor(private readonly deps: EngineDeps) {}

  async manage(key: InstanceKey, action: ManagementAction): Promise<CreatedInstance> {
    // No code needed: an instance of a workflow this process does not run can still be managed.
    assertInstanceId(key.instanceId);
    // The transaction may run more than once (a lost lock race is retried): it only returns.
    const { instance, runnable } = await this.deps.store.transaction(async (tx): Promise<Managed> => {
      const locked = await lockInstance(tx, key, this.deps.registry);
      const transition = transitionFor(action, locked.instance.status);
      switch (transition.kind) {
        case 'conflict':
          throw terminalConflict(locked.instance, action);
        case 'noop':
        case 'store':
          return { instance: locked.instance, runnable: false };
        case 'newRun':
          return this.restart(tx, locked.instance);
        case 'to':
          return applyMove(tx, locked, transition, action, this.deps.clock.now());
      }
    });
    if (runnable) this.deps.onRunnable();
    return { id: key.instanceId, details: detailsOf(instance) };
  }

  private restart(tx: StoreTransaction, instance: InstanceRecord): Promise<Managed> {
    return restartRun(tx, instance, this.deps.clock.now());
  }
}

/**
 * A new run from the start, queued at once; earlier runs are kept, and the live children they
 * started with the `terminate` close policy are terminated. `patch` changes more of the instance
 * (a child restarted by its parent's new run takes that run as its parent).
 */
export async function restartRun(tx: StoreTransaction, instance: InstanceRecord, now: number, patch: InstancePatch = {}): Promise<Managed> {
  const runNumber = instance.runNumber + 1;
  const fresh = { ...patch, runNumber, status: INITIAL_STATUS, output: null, error: null, startedAt: null, completedAt: null, updatedAt: now };
  await tx.updateInstance(instance, fresh);
  await tx.putTasks([unleasedTask(instance, runNumber, 'new', now)]);
  await tx.signalRunnable();
  await writeSystemLog(tx, instance, runNumber, `Restarted (run ${instance.runNumber} was ${instance.status})`, now);
  await closeChildren(tx, instance, now, 'restarted');
  return { instance: { ...instance, ...fresh }, runnable: true };
}

/**
 * Moves a locked instance as the status table says (its status, its queue row, a system line).
 * Deleting the queue row is what fences off a runner that holds the run: its lease token is gone.
 */
export async function applyMove(
  tx: StoreTransaction,
  { instance, task }: Locked,
  move: Move,
  action: ManagementAction,
  now: number,
  why = '',
): Promise<Managed> {
  const changed: InstanceRecord = { ...instance, status: move.status, updatedAt: now, ...(move.queue === 'delete' ? { completedAt: now } : {}) };
  await tx.updateInstance(instance, { status: changed.status, updatedAt: now, completedAt: changed.completedAt });
  let runnable = move.queue === 'dueNow' && task !== null;
  if (move.queue === 'delete') {
    await tx.deleteTask(instance);
    // The run is over: runs waiting for this instance go on now.
    runnable = await tx.wakeAwaiting(instance, now, moveFor('wokenByWorkflow', 'waiting').status);
  } else if (task) {
    const dueAt = move.queue === 'keep' ? task.dueAt : runnable ? now : null;
    await tx.putTasks([{ ...task, dueAt, pauseRequested: move.status === 'waitingForPause' }]);
    if (runnable) await tx.signalRunnable();
  }
  await writeSystemLog(tx, instance, instance.runNumber, (ACTION_LOG[move.status] ?? action) + why, now);
  if (move.status === 'terminated' && (await closeChildren(tx, instance, now, 'terminated'))) runnable = true;
  return { instance: changed, runnable };
}

/**
 * A parent was terminated or restarted: its live children with the `terminate` close policy are
 * terminated too, in the same transaction (and theirs, in turn). The parent's rows are locked
 * already, so the lock order is parent before child. True when that made any run runnable.
 */
async function closeChildren(tx: StoreTransaction, parent: InstanceRecord, now: number, how: 'terminated' | 'restarted'): Promise<boolean> {
  let runnable = false;
  for (const key of await tx.listChildren(parent, 'terminate', TERMINAL_STATUSES)) {
    const locked = await tx.lockInstance(key);
    if (!locked.instance) continue;
    const transition = transitionFor('terminate', locked.instance.status);
    if (transition.kind !== 'to') continue;
    const why = ` (its parent "${parent.instanceId}" of workflow "${parent.workflowName}" was ${how})`;
    const closed = await applyMove(tx, { instance: locked.instance, task: locked.task }, transition, 'terminate', now, why);
    runnable ||= closed.runnable;
  }
  return runnable;
}
