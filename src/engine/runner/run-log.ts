import type { LogLevel } from '../definition/types';
import { currentExecutionScope, type ExecutionScope } from '../execution-scope';
import type { EngineLimits } from '../limits';
import type { NewLogRecord } from '../model';
import type { Clock } from '../ports/clock';
import { buildLogRecord, SYSTEM_LOG_CATEGORY, userLogCategory } from '../step/step-log';

/** The durable log lines of one run: those workflow code writes, and the engine's own. */
export class RunLog {
  constructor(
    private readonly run: ExecutionScope,
    private readonly limits: EngineLimits,
    private readonly clock: Clock,
  ) {}

  /** A `step.log` line: it belongs to the step attempt whose code wrote it, if any. */
  workflowLine(level: LogLevel, message: unknown, data: unknown, category: unknown, replaying: boolean): NewLogRecord {
    const scope = currentExecutionScope();
    const step = scope?.stepName === undefined ? undefined : { name: scope.stepName, attempt: scope.attempt! };
    return this.line(level, message, data, userLogCategory(category), step, !step && replaying);
  }

  /** A line the engine writes itself (category `system`), for a step attempt when given. */
  systemLine(level: LogLevel, message: string, step?: { name: string; attempt: number }): NewLogRecord {
    return this.line(level, message, undefined, SYSTEM_LOG_CATEGORY, step, false);
  }

  private line(
    level: LogLevel,
    message: unknown,
    data: unknown,
    category: string,
    step: { name: string; attempt: number } | undefined,
    isReplay: boolean,
  ): NewLogRecord {
    const { workflowName, instanceId, runNumber } = this.run;
    return buildLogRecord(this.limits, {
      workflowName,
      instanceId,
      runNumber,
      stepName: step?.name ?? null,
      attempt: step?.attempt ?? null,
      level,
      category,
      message,
      data,
      isReplay,
      createdAt: this.clock.now(),
    });
  }
}
