import type { EngineDeps } from '../engine-deps';
import { TERMINAL_STATUSES } from '../lifecycle/transitions';
import { type RetentionPeriod, retentionMs, workflowRetentionMs } from './retention-period';

export interface RetentionOptions {
  /** Kept this long after `completedAt`; unset (or `"forever"`): kept forever unless a workflow says otherwise. */
  period?: RetentionPeriod;
  /** Instances deleted per transaction (default 500): short transactions, no long-held locks. */
  batchSize?: number;
}

export const RETENTION_DEFAULTS = { batchSize: 500 } as const;

export interface PurgeControl {
  /** Asked before every batch: true ends the round early (shutdown). */
  stopped?: () => boolean;
  /** Awaited between two batches, to leave the database to the runners for a moment. */
  betweenBatches?: () => Promise<void>;
}

/**
 * Deletes finished instances once their workflow's retention period has passed since they
 * finished, batch by batch. Only workflows this process has code for are purged: a process never
 * applies its own default to a workflow whose definition (and its override) it does not know.
 */
export class RetentionPurge {
  private readonly defaultMs: number | null;
  private readonly batchSize: number;

  constructor(
    private readonly deps: EngineDeps,
    options: RetentionOptions = {},
  ) {
    this.defaultMs = options.period === undefined ? null : retentionMs(options.period, 'retention.period');
    this.batchSize = options.batchSize ?? RETENTION_DEFAULTS.batchSize;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`retention.batchSize must be a whole number above 0, got ${this.batchSize}`);
  }

  /** Each workflow's period in milliseconds, for the workflows whose instances are not kept forever. */
  periods(): Map<string, number> {
    const periods = new Map<string, number>();
    for (const definition of this.deps.registry.list()) {
      const ms = definition.retention === undefined ? this.defaultMs : workflowRetentionMs({ name: definition.name, retention: definition.retention });
      if (ms !== null) periods.set(definition.name, ms);
    }
    return periods;
  }

  /** Whether any workflow's instances are ever purged. */
  get enabled(): boolean {
    return this.periods().size > 0;
  }

  /**
   * One round: every workflow's expired instances, a batch per transaction, until a batch comes
   * back short. Returns how many instances of each workflow went.
   */
  async purgeExpired(control: PurgeControl = {}): Promise<Map<string, number>> {
    const purged = new Map<string, number>();
    for (const [workflowName, periodMs] of this.periods()) {
      // Fixed for the round: what finishes meanwhile waits for the next one.
      const completedBefore = this.deps.clock.now() - periodMs;
      for (let first = true; ; first = false) {
        if (!first) await control.betweenBatches?.();
        if (control.stopped?.()) return purged;
        const count = await this.deps.store.purgeFinished({ workflowName, statuses: TERMINAL_STATUSES, completedBefore, limit: this.batchSize });
        if (count > 0) {
          purged.set(workflowName, (purged.get(workflowName) ?? 0) + count);
          this.deps.telemetry.instancesPurged({ workflowName, count });
        }
        // Short: nothing more is due, or what is left is held by someone else (the next round takes it).
        if (count < this.batchSize) break;
      }
    }
    return purged;
  }
}
