import { Injectable, Logger } from '@nestjs/common';
import type { AttemptObservation, ClaimEnd, EngineTelemetry, ObservedRun, ObservedRunKey, RunObservation } from '../../engine/ports/telemetry';

/**
 * The runner's lines an operator needs, through Nest's logger (the host's, when embedded): a run
 * started, completed or errored, a step's retry scheduled or its last attempt failed, a run given
 * back on shutdown, all at info; workflow code's own `step.log` lines and event deliveries at
 * debug. Each line carries workflowName, instanceId, runNumber and, where there is one, stepName.
 * Params, outputs and payloads are not told to telemetry, so they are never here.
 */
@Injectable()
export class LogTelemetry implements EngineTelemetry {
  private readonly logger = new Logger('WorkflowsRunner');

  runClaimed(claimed: ObservedRun): RunObservation {
    const run: ObservedRunKey = { workflowName: claimed.workflowName, instanceId: claimed.instanceId, runNumber: claimed.runNumber };
    const name = `${run.workflowName}/${run.instanceId} run ${run.runNumber}`;
    if (claimed.firstClaim) this.logger.log({ msg: `Run started: ${name}`, ...run });
    // Another process held it and its lease ran out: worth knowing (a crash, a stall, a deploy).
    if (claimed.takenOver) this.logger.log({ msg: `Lease taken over: ${name} (its previous holder's lease expired)`, ...run, takenOver: true });
    return {
      stepAttempt: (step) => this.attempt(run, step.name, step.attempt),
      eventDelivered: (event) => this.logger.debug({ msg: `Event delivered: ${event.type} to ${name}`, ...run, eventType: event.type, waitedMs: event.waitedMs }),
      workflowLog: (line) =>
        this.logger.debug({ msg: line.message, ...run, stepName: line.stepName ?? undefined, workflowLog: { level: line.level, category: line.category } }),
      ended: (end) => this.ended(run, name, end),
    };
  }

  claimRound(): void {}

  leaseRenewed(): void {}

  tick(): void {}

  // The store logs connection trouble itself (throttled); counting errors is the metrics' part.
  databaseError(): void {}

  // The retention job logs each round's counts itself, once; a line per batch would repeat it.
  instancesPurged(): void {}

  private attempt(run: ObservedRunKey, stepName: string, attempt: number): AttemptObservation {
    return {
      run: (code) => code(),
      ended: (result) => {
        if (result.ok) return;
        const fields = { ...run, stepName, attempt, error: { name: result.error.name, message: result.error.message } };
        const where = `step "${stepName}" of ${run.workflowName}/${run.instanceId} run ${run.runNumber}`;
        if (result.retryAt === null) {
          this.logger.log({ msg: `Step failed, no retry left: ${where}: ${result.error.name}: ${result.error.message}`, ...fields });
        } else {
          const retryAt = new Date(result.retryAt).toISOString();
          this.logger.log({ msg: `Step retry scheduled at ${retryAt}: ${where} (attempt ${attempt} failed: ${result.error.name}: ${result.error.message})`, ...fields, retryAt });
        }
      },
    };
  }

  private ended(run: ObservedRunKey, name: string, end: ClaimEnd): void {
    switch (end.outcome) {
      case 'complete':
        this.logger.log({ msg: `Run completed: ${name}`, ...run, outcome: 'complete' });
        return;
      case 'errored':
        this.logger.log({
          msg: `Run errored: ${name}: ${end.error.name}: ${end.error.message}`,
          ...run,
          outcome: 'errored',
          error: { name: end.error.name, message: end.error.message },
        });
        return;
      case 'released':
        this.logger.log({ msg: `Run released on shutdown: ${name} (due again at once, for another process)`, ...run, outcome: 'released' });
        return;
      case 'suspended':
        this.logger.debug({ msg: `Run suspended: ${name}`, ...run, outcome: 'suspended' });
        return;
      case 'lost':
        // The engine's logger has said why, at warn.
        return;
    }
  }
}
