import { createHash } from 'node:crypto';
import { checkParams } from '../definition/params-schema';
import type { StartWorkflowOptions } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { isValidId, isValidWorkflowName, MAX_ID_LENGTH } from '../identifiers';
import { serializeJson } from '../json';
import { type InstanceRecord, PARENT_CLOSE_POLICIES, type ParentRun, unleasedTask } from '../model';
import type { StoreTransaction } from '../ports/store';
import { printable } from '../text';
import { newInstanceRecord } from './create-instances';
import { lockInstance } from './instance-lock';
import { restartRun } from './manage-instance';

/** A child that may be started, or why it may not (the step then fails with a ChildWorkflowError). */
export type PreparedChild = { ok: true; child: InstanceRecord } | { ok: false; workflowName: string; instanceId: string; message: string };

/** How starting a child went inside the parent's transaction. */
export type ChildStart = { ok: true } | { ok: false; message: string };

/**
 * Starting child workflows from a run (`step.startWorkflow`): the child's record is checked as
 * `create` checks one, then written in the same transaction as the step that starts it.
 */
export class ChildWorkflows {
  constructor(private readonly deps: EngineDeps) {}

  /** The child `parent`'s step `stepName` starts, checked; nothing is written. */
  async prepare(parent: ParentRun, stepName: string, workflowName: unknown, options: StartWorkflowOptions): Promise<PreparedChild> {
    const instanceId = options.id ?? derivedChildId(parent, stepName);
    const refuse = (message: string): PreparedChild => ({ ok: false, workflowName: printable(workflowName), instanceId: printable(instanceId), message });
    if (!isValidWorkflowName(workflowName)) return refuse(`Invalid workflow name ${printable(workflowName)}`);
    const definition = this.deps.registry.get(workflowName);
    if (!definition) return refuse(`Workflow "${workflowName}" is not registered`);
    if (!isValidId(instanceId)) return refuse(`Invalid child instance id ${printable(instanceId)}`);
    const policy = options.parentClosePolicy ?? 'terminate';
    if (!PARENT_CLOSE_POLICIES.includes(policy)) return refuse(`parentClosePolicy must be one of ${PARENT_CLOSE_POLICIES.join(', ')}`);
    const issues = await checkParams(definition, options.params, this.deps.paramsClasses);
    if (issues.length) return refuse(`Params rejected by workflow "${workflowName}": ${issues.join('; ')}`);
    const params = serializeJson(options.params, this.deps.limits.maxPayloadBytes);
    if (!params.ok) return refuse(`Params are ${params.reason}`);
    const child = newInstanceRecord({ workflowName, instanceId, params: params.text, parent, parentClosePolicy: policy }, this.deps.clock.now());
    return { ok: true, child };
  }

  /**
   * Creates the child, queued now. An id already taken is this parent's child from an earlier
   * run (restarted, with the new params and parent run) or from this run (left as it is);
   * anyone else's is a conflict. Runs inside the parent's fenced transaction, which holds the
   * parent's queue row: the lock order stays parent before child.
   */
  async start(tx: StoreTransaction, child: InstanceRecord): Promise<ChildStart> {
    const now = this.deps.clock.now();
    if ((await tx.insertInstances([child])).length) {
      await tx.putTasks([unleasedTask(child, child.runNumber, 'new', now)]);
      await tx.signalRunnable();
      return { ok: true };
    }
    const parent = child.parent!;
    const locked = await lockInstance(tx, child, this.deps.registry);
    const existing = locked.instance.parent;
    if (!existing || existing.workflowName !== parent.workflowName || existing.instanceId !== parent.instanceId || existing.runNumber > parent.runNumber) {
      return { ok: false, message: `Instance "${child.instanceId}" of workflow "${child.workflowName}" already exists and is not a child of this run` };
    }
    if (existing.runNumber < parent.runNumber) {
      await restartRun(tx, locked.instance, now, { parent, parentClosePolicy: child.parentClosePolicy, params: child.params });
    }
    return { ok: true };
  }
}

/**
 * A child's id when the step gives none: `<parent id>-<run number>-<step name>`, or, when that
 * is no valid id (too long, or characters an id may not have), the parent id's start and a hash
 * of all three. The same step of the same run always derives the same id; a restarted parent's
 * new run derives new ones.
 */
export function derivedChildId(parent: ParentRun, stepName: string): string {
  const plain = `${parent.instanceId}-${parent.runNumber}-${stepName}`;
  if (isValidId(plain)) return plain;
  const hash = createHash('sha256').update(JSON.stringify([parent.workflowName, parent.instanceId, parent.runNumber, stepName])).digest('hex').slice(0, 32);
  const room = MAX_ID_LENGTH - `-${parent.runNumber}-${hash}`.length;
  return `${parent.instanceId.slice(0, Math.min(room, 50))}-${parent.runNumber}-${hash}`;
}
