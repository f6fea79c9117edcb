import type { EngineDeps } from '../engine-deps';
import { EngineError } from '../errors';
import { assertInstanceId } from '../identifiers';
import type { InstanceKey, InstanceRecord } from '../model';
import { lockInstance } from './instance-lock';
import { applyMove } from './manage-instance';
import { isTerminal, moveFor } from './transitions';

export interface DeleteInstanceOptions {
  /** Terminate a live instance first instead of refusing with INSTANCE_NOT_TERMINAL. */
  force?: boolean;
}

export interface DeletedInstance {
  id: string;
  deleted: true;
}

/** The refusal to delete an instance that has not finished. */
function notTerminal(instance: InstanceRecord): EngineError {
  return new EngineError(
    'INSTANCE_NOT_TERMINAL',
    `Cannot delete instance "${instance.instanceId}": it is ${instance.status}; terminate it first, or delete with force`,
    { status: instance.status },
  );
}

/** Deleting an instance with all its runs' rows, in one transaction. */
export class InstanceDeletion {
  constructor(private readonly deps: EngineDeps) {}

  async delete(key: InstanceKey, options: DeleteInstanceOptions = {}): Promise<DeletedInstance> {
    // No code needed: an instance of a workflow this process does not run can still be deleted.
    assertInstanceId(key.instanceId);
    if (options.force !== undefined && typeof options.force !== 'boolean') {
      const issue = 'force must be a boolean';
      throw new EngineError('VALIDATION_ERROR', issue, { issues: [issue] });
    }
    await this.deps.store.transaction(async (tx) => {
      const locked = await lockInstance(tx, key, this.deps.registry);
      if (!isTerminal(locked.instance.status)) {
        if (!options.force) throw notTerminal(locked.instance);
        // Terminated the way terminate does it: its queue row, and with it the lease a runner may
        // hold, goes. That runner's later writes are fenced by that row, so they write nothing
        // and cannot bring back a row deleted below.
        await applyMove(tx, locked, moveFor('terminate', locked.instance.status), 'terminate', this.deps.clock.now());
      }
      await tx.deleteInstances(key.workflowName, [key.instanceId]);
    });
    return { id: key.instanceId, deleted: true };
  }
}
