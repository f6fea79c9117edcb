import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { columnTypes, instanceKeyColumns } from './column-types';

/**
 * The run queue: one row per unfinished run. `due_at` is when a runner may next claim it; while
 * a runner holds the lease, `due_at` equals the lease expiry, so one indexed comparison finds
 * both due work and work whose runner died. NULL means not runnable (paused).
 */
export function workflowTaskEntity(dialect: DialectName) {
  const { time, text, int } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowTask',
    tableName: 'workflow_task',
    columns: {
      ...instanceKeyColumns(dialect, true),
      runNumber: int('run_number'),
      /** 0: resuming (wake, retry, resume), 1: new; resuming work is claimed first. */
      kind: { name: 'kind', type: 'smallint' },
      dueAt: time('due_at', true),
      leaseOwner: text('lease_owner', 128, true),
      leaseToken: text('lease_token', 64, true),
      leaseExpiresAt: time('lease_expires_at', true),
      /**
       * Mirrors the instance's `waitingForPause`, on the row every runner commit already locks, so
       * a runner learns of a pause in the same statement that checks its lease.
       */
      pauseRequested: { name: 'pause_requested', type: 'boolean', default: false },
      /**
       * Some run waited for this instance (step.waitForWorkflow) and locked this row to say so:
       * its end then wakes the runs waiting for it. Never written by a queue-row upsert.
       */
      awaited: { name: 'awaited', type: 'boolean', default: false },
    },
    indices: [{ name: 'idx_workflow_task_due', columns: ['kind', 'dueAt'] }],
  });
}
