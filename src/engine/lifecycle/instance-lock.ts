import type { WorkflowRegistry } from '../definition/registry';
import { EngineError, missingInstance } from '../errors';
import type { InstanceKey, InstanceRecord, TaskRecord } from '../model';
import type { StoreTransaction } from '../ports/store';

/**
 * Locks an instance (its queue row first) for an action; INSTANCE_NOT_FOUND when there is none
 * (WORKFLOW_NOT_FOUND when its workflow has neither code here nor any stored instance, as reads
 * decide it).
 */
export async function lockInstance(
  tx: StoreTransaction,
  key: InstanceKey,
  registry: WorkflowRegistry,
): Promise<{ instance: InstanceRecord; task: TaskRecord | null }> {
  const { instance, task } = await tx.lockInstance(key);
  if (!instance) throw missingInstance(key, registry.has(key.workflowName) || (await tx.hasInstancesOf(key.workflowName)));
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
