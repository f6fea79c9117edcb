import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { ENGINE, ENGINE_CLOCK } from '../core/tokens';
import type { Engine } from '../engine/create-engine';
import { INSTANCE_STATUSES, toInstanceStatus } from '../engine/model';
import type { Clock } from '../engine/ports/clock';
import { OperationalQueries } from '../persistence/operational-queries';
import { type MetricsOptions, type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../workflows-module-options';
import { WorkflowMetrics } from './workflow-metrics';

/**
 * The gauges read from the database (instances by workflow and status, the due queue), refreshed
 * in the background every `refreshIntervalMs`, never on a scrape: a scrape only formats what the
 * last refresh found, so it costs the same at a million instances as at ten. A failed refresh
 * keeps the last values (workflows_state_refreshed_timestamp_seconds shows how old they are).
 */
@Injectable()
export class StateGauges implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkflowsMetrics');
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly metrics: WorkflowMetrics,
    private readonly queries: OperationalQueries,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(ENGINE_CLOCK) private readonly clock: Clock,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { refreshIntervalMs } = this.options.metrics as MetricsOptions;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshIntervalMs);
    this.timer.unref();
  }

  /** Before the store closes (in onApplicationShutdown): no read is left to fail on it. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Reads both gauges' sources now; a refresh already under way is joined, not doubled. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const started = performance.now();
    const now = this.clock.now();
    try {
      const [counts, due] = await Promise.all([this.queries.instanceCounts(), this.queries.dueRuns(now)]);
      const { instances, dueRuns, oldestDueAge } = this.metrics;
      // Every registered workflow shows every status, 0 included: a series that vanishes is not a 0.
      const workflows = this.engine.registry.list().map((definition) => definition.name);
      instances.reset();
      for (const workflow of workflows) for (const status of INSTANCE_STATUSES) instances.set({ workflow, status }, 0);
      for (const row of counts) instances.inc({ workflow: row.workflowName, status: toInstanceStatus(row.status) }, row.count);
      dueRuns.reset();
      oldestDueAge.reset();
      for (const workflow of workflows) {
        dueRuns.set({ workflow }, 0);
        oldestDueAge.set({ workflow }, 0);
      }
      for (const row of due) {
        dueRuns.set({ workflow: row.workflowName }, row.due);
        oldestDueAge.set({ workflow: row.workflowName }, Math.max(0, now - row.oldestDueAt) / 1000);
      }
      this.metrics.stateRefreshedAt.set(Date.now() / 1000);
      this.metrics.stateRefreshDuration.set((performance.now() - started) / 1000);
    } catch (error) {
      this.logger.warn(`Reading the instance and queue gauges failed (the last values stay): ${(error as Error).message}`);
    }
  }
}
