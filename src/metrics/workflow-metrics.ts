import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds, for attempts and claims: from a quick step to one that takes minutes. */
const WORK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Seconds, for database round trips (claim rounds). */
const ROUND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * Every metric the module exports, named `workflows_*` (Prometheus conventions: base units in the
 * name, `_total` on counters), on a registry of the module's own unless the host hands one in.
 * Labels are bounded: workflow names (the registered ones), statuses, outcomes and error kinds,
 * never instance ids.
 */
export class WorkflowMetrics {
  readonly registry: Registry;

  readonly stepsStarted: Counter<'workflow'>;
  readonly stepsCompleted: Counter<'workflow'>;
  readonly stepsFailed: Counter<'workflow'>;
  readonly stepsRetried: Counter<'workflow'>;
  readonly stepAttemptDuration: Histogram<'workflow' | 'outcome'>;
  readonly claimDuration: Histogram<'workflow' | 'outcome'>;
  readonly claimRoundDuration: Histogram;
  readonly tickDuration: Histogram;
  readonly eventDeliveryLatency: Histogram<'workflow'>;
  readonly leaseRenewals: Counter<'workflow'>;
  readonly leaseTakeovers: Counter<'workflow'>;
  readonly databaseErrors: Counter<'kind'>;
  readonly instancesPurged: Counter<'workflow'>;

  readonly instances: Gauge<'workflow' | 'status'>;
  readonly dueRuns: Gauge<'workflow'>;
  readonly oldestDueAge: Gauge<'workflow'>;
  readonly stateRefreshedAt: Gauge;
  readonly stateRefreshDuration: Gauge;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge<L>({ name, help, labelNames, registers });

    this.stepsStarted = counter('workflows_steps_started_total', 'step.do steps whose first attempt started', ['workflow']);
    this.stepsCompleted = counter('workflows_steps_completed_total', 'step.do attempts that succeeded', ['workflow']);
    this.stepsFailed = counter('workflows_steps_failed_total', 'step.do steps that failed for good (no retry left, or not retryable)', ['workflow']);
    this.stepsRetried = counter('workflows_steps_retried_total', 'step.do attempts that failed with a retry scheduled', ['workflow']);
    this.stepAttemptDuration = histogram(
      'workflows_step_attempt_duration_seconds',
      'How long one step.do attempt ran; outcome completed, retried or failed',
      ['workflow', 'outcome'],
      WORK_BUCKETS,
    );
    this.claimDuration = histogram(
      'workflows_run_claim_duration_seconds',
      'How long a runner held a run, from its claim to how it ended: complete, errored, suspended, released or lost',
      ['workflow', 'outcome'],
      WORK_BUCKETS,
    );
    this.claimRoundDuration = histogram('workflows_claim_round_duration_seconds', 'One round of claiming due runs', [], ROUND_BUCKETS);
    this.tickDuration = histogram('workflows_tick_duration_seconds', 'One POST /_runner/tick (or client.tick()) round', [], WORK_BUCKETS);
    this.eventDeliveryLatency = histogram(
      'workflows_event_delivery_latency_seconds',
      'From an event arriving to the waitForEvent that consumed it resuming',
      ['workflow'],
      WORK_BUCKETS,
    );
    this.leaseRenewals = counter('workflows_lease_renewals_total', 'Leases renewed while their run was held', ['workflow']);
    this.leaseTakeovers = counter('workflows_lease_takeovers_total', 'Runs claimed after the lease of another owner expired', ['workflow']);
    this.databaseErrors = counter(
      'workflows_database_errors_total',
      'Failed database statements by kind: unavailable, conflict (retried), data, other',
      ['kind'],
    );

    this.instancesPurged = counter('workflows_instances_purged_total', 'Finished instances deleted by the retention policy', ['workflow']);

    this.instances = gauge('workflows_instances', 'Instances by workflow and status (read in the background, see workflows_state_refreshed_timestamp_seconds)', [
      'workflow',
      'status',
    ]);
    this.dueRuns = gauge('workflows_queue_due_runs', 'Runs due now that no runner holds (the backlog)', ['workflow']);
    this.oldestDueAge = gauge('workflows_queue_oldest_due_age_seconds', 'How long the oldest due run has been waiting to be claimed', ['workflow']);
    this.stateRefreshedAt = gauge('workflows_state_refreshed_timestamp_seconds', 'When the instance and queue gauges were last read from the database', []);
    this.stateRefreshDuration = gauge('workflows_state_refresh_duration_seconds', 'How long the last read of the instance and queue gauges took', []);
  }
}
