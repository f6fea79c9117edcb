import { EngineError, instanceNotFound } from '../errors';
import type { InstanceKey, InstanceRecord, TaskRecord } from '../model';
import type { StoreTransaction } from '../ports/store';

/** Locks an instance (its queue row first) for an action; INSTANCE_NOT_FOUND when there is none. */
export async function lockInstance(tx: StoreTransaction, key: InstanceKey): Promise<{ instance: InstanceRecord; task: TaskRecord | null }> {
  const { instance, task } = await tx.lockInstance(key);
  if (!instance) throw instanceNotFound(key);
  return { instance, task };
}

/** A line of the `system` category, written with the action that caused it. */
export function writeSystemLog(tx: StoreTransaction, key: InstanceKey, runNumber: number, message: string, now: number): Promise<void> {
  const { workflowName, instanceId } = key;
  return tx.insertLogs([
    { workflowName, instanceId, runNumber, stepName: null, attempt: null, level: 'info', category: 'system', message, data: null, isReplay: false, createdAt: now },
  ]);
}

/** The refusal of an action on a finished instance. */
export function terminalConflict(instance: InstanceRecord, doing: string): EngineError {
  return new EngineError('INSTANCE_TERMINAL', `Cannot ${doing} instance "${instance.instanceId}": it is ${instance.status}`, {
    status: instance.status,
  });
}
