import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Engine } from '../engine/create-engine';
import { ENGINE } from '../core/tokens';
import { toErrorInfo } from '../engine/errors';
import { isDatabaseUnavailable } from '../engine/ports/store-errors';
import { type ResolvedWorkflowsOptions, type RetentionSchedule, WORKFLOWS_OPTIONS } from '../workflows-module-options';

const RETENTION_TIMEOUT = 'workflows-retention';

/**
 * Deletes finished instances past their retention, in the runner's process (only where the runner
 * is enabled): a round every `intervalMs` (jittered, so replicas spread out), each a series of
 * short batch transactions with a pause between them. Replicas may purge at the same moment:
 * each batch passes over instances another one holds.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkflowsRetention');
  private readonly schedule: RetentionSchedule;
  private readonly runnerEnabled: boolean;
  private stopping = false;
  private round?: Promise<void>;

  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(WORKFLOWS_OPTIONS) options: ResolvedWorkflowsOptions,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.schedule = options.retention;
    this.runnerEnabled = options.runner.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.runnerEnabled || !this.engine.retention.enabled) return;
    const periods = [...this.engine.retention.periods()].map(([name, ms]) => `${name} ${formatPeriod(ms)}`);
    this.logger.log(`Finished instances are purged after their retention period: ${periods.join(', ')}`);
    this.scheduleRound();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('timeout', RETENTION_TIMEOUT)) this.scheduler.deleteTimeout(RETENTION_TIMEOUT);
    // A batch in progress commits or rolls back on its own; the round stops before the next one.
    await this.round;
  }

  /** One round now; what the schedule runs, and what a test or an operator may call. */
  purgeNow(): Promise<void> {
    this.round ??= this.purge().finally(() => (this.round = undefined));
    return this.round;
  }

  private async purge(): Promise<void> {
    try {
      const purged = await this.engine.retention.purgeExpired({
        stopped: () => this.stopping,
        betweenBatches: () => new Promise((resolve) => setTimeout(resolve, this.schedule.pauseBetweenBatchesMs)),
      });
      for (const [workflowName, count] of purged) this.logger.log(`Purged ${count} finished instance(s) of ${workflowName}`);
    } catch (error) {
      // The next round tries again; an unreachable database is the runner loop's to report.
      if (!isDatabaseUnavailable(error)) this.logger.warn(`Retention purge failed: ${toErrorInfo(error).message}`);
    }
  }

  private scheduleRound(): void {
    if (this.stopping) return;
    const jittered = this.schedule.intervalMs * (0.8 + Math.random() * 0.4);
    const handle = setTimeout(() => {
      this.scheduler.deleteTimeout(RETENTION_TIMEOUT);
      void this.purgeNow().finally(() => this.scheduleRound());
    }, jittered);
    handle.unref();
    this.scheduler.addTimeout(RETENTION_TIMEOUT, handle);
  }
}

function formatPeriod(ms: number): string {
  const day = 86_400_000;
  return ms % day === 0 ? `${ms / day} day(s)` : `${ms} ms`;
}
