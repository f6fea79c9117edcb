import { performance } from 'node:perf_hooks';
import type { EngineTelemetry } from '../engine/ports/telemetry';
import type { WorkflowMetrics } from './workflow-metrics';

const seconds = (ms: number) => ms / 1000;

/** Seconds since `startedAt` (a performance.now() reading): durations on the local monotonic clock. */
const secondsSince = (startedAt: number) => seconds(performance.now() - startedAt);

/** The engine's telemetry as Prometheus metrics: counters and histograms, labelled by workflow. */
export function metricsTelemetry(metrics: WorkflowMetrics): EngineTelemetry {
  return {
    runClaimed(run) {
      const claimedAt = performance.now();
      const workflow = run.workflowName;
      if (run.takenOver) metrics.leaseTakeovers.inc({ workflow });
      return {
        stepAttempt(step) {
          const startedAt = performance.now();
          if (step.attempt === 1) metrics.stepsStarted.inc({ workflow });
          return {
            run: (code) => code(),
            ended(result) {
              const outcome = result.ok ? 'completed' : result.retryAt === null ? 'failed' : 'retried';
              ({ completed: metrics.stepsCompleted, failed: metrics.stepsFailed, retried: metrics.stepsRetried })[outcome].inc({ workflow });
              metrics.stepAttemptDuration.observe({ workflow, outcome }, secondsSince(startedAt));
            },
          };
        },
        eventDelivered: (event) => metrics.eventDeliveryLatency.observe({ workflow }, seconds(event.waitedMs)),
        workflowLog() {},
        ended: (end) => metrics.claimDuration.observe({ workflow, outcome: end.outcome }, secondsSince(claimedAt)),
      };
    },
    claimRound: (round) => metrics.claimRoundDuration.observe(seconds(round.durationMs)),
    leaseRenewed: (run) => metrics.leaseRenewals.inc({ workflow: run.workflowName }),
    tick: (round) => metrics.tickDuration.observe(seconds(round.durationMs)),
    databaseError: (error) => metrics.databaseErrors.inc({ kind: error.kind }),
    instancesPurged: (purge) => metrics.instancesPurged.inc({ workflow: purge.workflowName }, purge.count),
  };
}
