import type {
  LogLevel,
  ReceivedEvent,
  StepAttempt,
  StepConfig,
  StepLogger,
  WorkflowStep,
} from '../definition/types';
import { type Duration, MAX_DURATION_MS, parseDuration } from '../durations';
import {
  DuplicateStepError,
  type ErrorInfo,
  InvalidDurationError,
  InvalidStepNameError,
  MaxStepsExceededError,
  StepResultError,
  StepTimeoutError,
  StepTypeMismatchError,
  WaitForEventTimeoutError,
  fromErrorInfo,
  isNonRetryable,
  toErrorInfo,
} from '../errors';
import { isValidId, MAX_STEP_NAME_LENGTH } from '../identifiers';
import { parseJson, serializeJson } from '../json';
import type { EngineLimits } from '../limits';
import type { StepRecord, StepType } from '../model';
import type { RunExecution } from '../runner/run-execution';
import { maxAttemptsOf, resolveRetryPolicy, retryDelayMs } from './retry-policy';
import { stepScope } from './step-scope';

const SECOND = 1000;
const DEFAULT_EVENT_TIMEOUT = '24 hours';

type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The `step` object workflow code receives. Each method is one durable step, named per run. */
export class StepApi implements WorkflowStep {
  readonly log: StepLogger;

  constructor(
    private readonly run: RunExecution,
    private readonly limits: EngineLimits,
  ) {
    const line = (level: LogLevel) => (message: string, data?: unknown, options?: { category?: string }) =>
      run.log(level, message, data, options?.category);
    this.log = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  do<T>(name: string, ...args: [StepCallback<T>] | [StepConfig, StepCallback<T>]): Promise<T> {
    const [config, callback] = args.length === 1 ? [{}, args[0]] : args;
    return this.step(name, 'do', (stored) => this.doStep(name, config ?? {}, callback, stored)) as Promise<T>;
  }

  sleep(name: string, duration: Duration): Promise<void> {
    return this.step(name, 'sleep', (stored) => this.sleepStep(name, stored, () => this.run.now() + parseDuration(duration))) as Promise<void>;
  }

  sleepUntil(name: string, until: Date | number | string): Promise<void> {
    return this.step(name, 'sleep', (stored) => this.sleepStep(name, stored, () => wakeTimeOf(until, this.run.now()))) as Promise<void>;
  }

  waitForEvent<Payload = unknown>(
    name: string,
    options: { type: string; timeout?: Duration },
  ): Promise<ReceivedEvent<Payload>> {
    return this.step(name, 'waitForEvent', (stored) => this.waitStep(name, options, stored)) as Promise<
      ReceivedEvent<Payload>
    >;
  }

  /**
   * What every step type shares: name checks, replay of completed and errored steps, and the
   * bookkeeping that lets the run suspend when nothing is left in progress.
   */
  private async step(
    name: string,
    type: StepType,
    execute: (stored: StepRecord | undefined) => Promise<unknown>,
  ): Promise<unknown> {
    this.checkName(name, type);
    const stored = this.run.storedStep(name);
    if (stored?.status === 'completed') return type === 'sleep' ? undefined : readResult(stored);
    if (stored?.status === 'errored') throw fromErrorInfo(stored.error!);
    this.run.leaveReplay();
    this.run.begin(name);
    try {
      return await execute(stored);
    } finally {
      this.run.end(name);
    }
  }

  private checkName(name: string, type: StepType): void {
    if (typeof name !== 'string' || name.length < 1 || name.length > MAX_STEP_NAME_LENGTH) {
      throw new InvalidStepNameError(`Step names must be 1-${MAX_STEP_NAME_LENGTH} characters`);
    }
    const stored = this.run.storedStep(name);
    if (stored && stored.type !== type) {
      throw new StepTypeMismatchError(`Step "${name}" is a ${stored.type} step; it cannot be used as ${type}`);
    }
    if (this.run.isBusy(name)) {
      throw new DuplicateStepError(`Step "${name}" is already in progress; concurrent steps need distinct names`);
    }
    if (this.run.exceedsStepLimit(name, this.limits.maxStepsPerRun)) {
      const error = new MaxStepsExceededError(`A run may have at most ${this.limits.maxStepsPerRun} steps`);
      this.run.failRun(toErrorInfo(error));
      throw error;
    }
  }

  private async doStep(
    name: string,
    config: StepConfig,
    callback: StepCallback<unknown>,
    stored: StepRecord | undefined,
  ): Promise<unknown> {
    let policy;
    try {
      policy = resolveRetryPolicy(config);
    } catch (error) {
      return this.fail(name, 'do', toErrorInfo(error));
    }
    const retryAt = stored?.nextRetryAt;
    if (retryAt && retryAt > this.run.now()) return this.run.block(name, retryAt);
    if (!this.run.mayExecute()) return this.run.block(name, this.run.now());

    const attempt = (stored?.attempts ?? 0) + 1;
    const shape = { attempts: attempt, maxAttempts: maxAttemptsOf(policy), timeoutMs: policy.timeoutMs };
    const result = await this.attempt(name, callback, attempt, policy.timeoutMs);
    if (result.ok) {
      const serialized = serializeJson(result.value, this.limits.maxPayloadBytes);
      if (!serialized.ok) {
        const error = toErrorInfo(new StepResultError(`Step "${name}" returned a value that is ${serialized.reason}`));
        return this.fail(name, 'do', error, shape);
      }
      const record = this.run.stepRecord(name, 'do', {
        ...shape,
        status: 'completed',
        result: serialized.text,
        nextRetryAt: null,
        error: null,
      });
      await this.run.commit(record);
      return readResult(record);
    }

    const error = toErrorInfo(result.error);
    this.run.systemLog('warn', `Attempt ${attempt} failed: ${error.name}: ${error.message}`, { name, attempt });
    const retriesLeft = shape.maxAttempts === null || attempt < shape.maxAttempts;
    if (isNonRetryable(result.error) || !retriesLeft) return this.fail(name, 'do', error, shape);

    const nextRetryAt = this.run.now() + Math.min(retryDelayMs(policy, attempt), MAX_DURATION_MS);
    this.run.systemLog('info', `Retry scheduled for ${new Date(nextRetryAt).toISOString()}`, { name, attempt });
    this.run.defer(this.run.stepRecord(name, 'do', { ...shape, status: 'waiting', nextRetryAt, error }));
    return this.run.block(name, nextRetryAt);
  }

  /** Runs one attempt under its timeout; a late result after the timeout is discarded. */
  private attempt(name: string, callback: StepCallback<unknown>, attempt: number, timeoutMs: number): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve) => {
      const cancelTimeout = this.run.setTimer(timeoutMs, () =>
        resolve({ ok: false, error: new StepTimeoutError(`Step "${name}" attempt ${attempt} timed out after ${timeoutMs} ms`) }),
      );
      stepScope
        .run({ stepName: name, attempt }, async () => callback({ attempt }))
        .then(
          (value) => resolve({ ok: true, value }),
          (error: unknown) => resolve({ ok: false, error }),
        )
        .finally(cancelTimeout);
    });
  }

  private async sleepStep(name: string, stored: StepRecord | undefined, wakeTime: () => number): Promise<void> {
    let wakeAt = stored?.wakeAt;
    if (wakeAt == null) {
      try {
        wakeAt = wakeTime();
      } catch (error) {
        return this.fail(name, 'sleep', toErrorInfo(error));
      }
    }
    const waiting = this.run.stepRecord(name, 'sleep', { status: 'waiting', wakeAt });
    if (wakeAt > this.run.now()) {
      this.run.defer(waiting);
      return this.run.block(name, wakeAt);
    }
    if (!this.run.mayExecute()) {
      this.run.defer(waiting);
      return this.run.block(name, this.run.now());
    }
    // Nothing happened in the world: the completion can ride along with the next commit.
    this.run.defer(this.run.stepRecord(name, 'sleep', { status: 'completed' }));
  }

  private async waitStep(
    name: string,
    options: { type: string; timeout?: Duration },
    stored: StepRecord | undefined,
  ): Promise<unknown> {
    const type = options?.type;
    let deadline = stored?.wakeAt;
    if (deadline == null) {
      if (!isValidId(type)) {
        return this.fail(name, 'waitForEvent', { name: 'InvalidEventTypeError', message: `Invalid event type ${JSON.stringify(type)}` });
      }
      try {
        deadline = this.run.now() + parseDuration(options.timeout ?? DEFAULT_EVENT_TIMEOUT, { minMs: SECOND, maxMs: MAX_DURATION_MS });
      } catch (error) {
        return this.fail(name, 'waitForEvent', toErrorInfo(error));
      }
    }
    const waiting = this.run.stepRecord(name, 'waitForEvent', { status: 'waiting', wakeAt: deadline, waitEventType: type });
    if (!this.run.mayExecute()) {
      this.run.defer(waiting);
      return this.run.block(name, this.run.now());
    }

    const delivered = await this.run.oneDeliveryAtATime(async () => {
      const event = await this.run.peekEvent(type, deadline!);
      if (!event) return undefined;
      const received = { type, payload: parseJson(event.payload) ?? null, timestamp: new Date(event.createdAt).toISOString() };
      const record = this.run.stepRecord(name, 'waitForEvent', { status: 'completed', result: JSON.stringify(received) });
      await this.run.commit(record, { event, stepName: name, at: this.run.now() });
      return record;
    });
    if (delivered) return readResult(delivered);
    if (deadline <= this.run.now()) {
      const error = new WaitForEventTimeoutError(`No "${type}" event arrived for step "${name}" before its timeout`);
      return this.fail(name, 'waitForEvent', toErrorInfo(error));
    }
    this.run.defer(waiting);
    return this.run.block(name, deadline, { type, deadline });
  }

  /** Records a step as errored (for good) and throws its error into the workflow code. */
  private async fail(name: string, type: StepType, error: ErrorInfo, fields: Partial<StepRecord> = {}): Promise<never> {
    await this.run.commit(this.run.stepRecord(name, type, { ...fields, status: 'errored', nextRetryAt: null, error }));
    throw fromErrorInfo(error);
  }
}

type StepCallback<T> = (attempt: StepAttempt) => Promise<T> | T;

/** The stored result as workflow code sees it; event timestamps come back as Dates. */
function readResult(step: StepRecord): unknown {
  const value = parseJson(step.result);
  if (step.type === 'waitForEvent' && value && typeof value === 'object') {
    const received = value as { timestamp: string };
    return { ...received, timestamp: new Date(received.timestamp) };
  }
  return value;
}

function wakeTimeOf(until: Date | number | string, now: number): number {
  const time = until instanceof Date ? until.getTime() : typeof until === 'number' ? until : Date.parse(until);
  if (!Number.isFinite(time)) throw new InvalidDurationError(`Invalid sleepUntil time ${JSON.stringify(until)}`);
  if (time - now > MAX_DURATION_MS) throw new InvalidDurationError('sleepUntil may be at most 365 days ahead');
  return time;
}
