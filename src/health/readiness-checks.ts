import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { OperationalQueries } from '../persistence/operational-queries';
import { RunnerLoop } from '../scheduler/runner-loop.service';
import { type HealthOptions, type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../workflows-module-options';

/**
 * What `GET /health/ready` checks: the database answers, every migration this code knows is
 * applied, and the runner loop (when on) still goes round. The database checks give up after
 * `checkTimeoutMs`, so a database that hangs makes readiness fail, never hang.
 */
@Injectable()
export class ReadinessChecks {
  private readonly timeoutMs: number;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queries: OperationalQueries,
    private readonly runnerLoop: RunnerLoop,
    @Inject(WORKFLOWS_OPTIONS) options: ResolvedWorkflowsOptions,
  ) {
    this.timeoutMs = (options.health as HealthOptions).checkTimeoutMs;
  }

  all(): (() => PromiseLike<HealthIndicatorResult>)[] {
    return [() => this.database(), () => this.migrations(), () => this.runner()];
  }

  database() {
    return this.indicators
      .check('database')
      .attempt(() => this.queries.ping())
      .withTimeout(this.timeoutMs);
  }

  migrations() {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        const pending = await this.queries.pendingMigrations();
        if (pending.length) throw new Error(`${pending.length} migration(s) not applied: ${pending.join(', ')}`);
      })
      .withTimeout(this.timeoutMs);
  }

  async runner(): Promise<HealthIndicatorResult> {
    const runner = this.indicators.check('runner');
    const liveness = this.runnerLoop.heartbeat.liveness();
    if (!liveness.enabled) return runner.up({ enabled: false });
    const { stalled, ...details } = liveness;
    return stalled ? runner.down({ ...details, message: 'The runner loop has not gone round in time' }) : runner.up(details);
  }
}
