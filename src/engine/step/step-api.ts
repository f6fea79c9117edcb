import type {
  ChildWorkflowHandle,
  LogLevel,
  ReceivedEvent,
  RunWorkflowOptions,
  StartWorkflowOptions,
  StepConfig,
  StepLogger,
  WaitForWorkflowOptions,
  WorkflowStep,
} from '../definition/types';
import { type Duration, parseDuration } from '../durations';
import { DuplicateStepError, InvalidStepNameError, MaxStepsExceededError, StepTypeMismatchError, toErrorInfo } from '../errors';
import { MAX_STEP_NAME_LENGTH } from '../identifiers';
import type { StepRecord, StepType } from '../model';
import { isStorableText } from '../text';
import { runDoStep, type StepCallback } from './do-step';
import { runSleepStep, wakeTimeOf } from './sleep-step';
import type { StepHost } from './step-host';
import { runStartWorkflowStep } from './start-workflow-step';
import { readResult, storedError } from './step-outcome';
import { runWaitStep } from './wait-step';
import { runWaitForWorkflowStep } from './wait-workflow-step';

/**
 * The `step` object workflow code receives. Each method is one durable step, named per run: a
 * step that completed (or failed for good) earlier in the run answers from storage, exactly as
 * it did the first time; any other runs for real (see do-step.ts, sleep-step.ts, wait-step.ts,
 * start-workflow-step.ts, wait-workflow-step.ts).
 */
export class StepApi implements WorkflowStep {
  readonly log: StepLogger;
  /** startWorkflow calls without an id or a step name, per workflow: they name the steps. */
  private readonly unnamedStarts = new Map<string, number>();

  constructor(private readonly host: StepHost) {
    const line = (level: LogLevel) => (message: string, data?: unknown, options?: { category?: string }) =>
      host.log(level, message, data, categoryOf(options));
    this.log = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  do<T>(name: string, ...args: [StepCallback<T>] | [StepConfig, StepCallback<T>]): Promise<T> {
    const [config, callback] = args.length === 1 ? [{}, args[0]] : args;
    return this.step(name, 'do', (stored) => runDoStep(this.host, name, config ?? {}, callback, stored)) as Promise<T>;
  }

  sleep(name: string, duration: Duration): Promise<void> {
    return this.step(name, 'sleep', (stored) => runSleepStep(this.host, name, stored, () => this.host.now() + parseDuration(duration))) as Promise<void>;
  }

  sleepUntil(name: string, until: Date | number | string): Promise<void> {
    return this.step(name, 'sleep', (stored) => runSleepStep(this.host, name, stored, () => wakeTimeOf(until, this.host.now()))) as Promise<void>;
  }

  waitForEvent<Payload = unknown>(name: string, options: { type: string; timeout?: Duration }): Promise<ReceivedEvent<Payload>> {
    return this.step(name, 'waitForEvent', (stored) => runWaitStep(this.host, name, options, stored)) as Promise<ReceivedEvent<Payload>>;
  }

  startWorkflow<Params = unknown>(workflowName: string, options: StartWorkflowOptions<Params> = {}): Promise<ChildWorkflowHandle> {
    const name = options?.step ?? this.startStepName(workflowName, options?.id);
    return this.step(name, 'startWorkflow', () => runStartWorkflowStep(this.host, name, workflowName, options ?? {})) as Promise<ChildWorkflowHandle>;
  }

  waitForWorkflow<Output = unknown>(workflowName: string, instanceId: string, options: WaitForWorkflowOptions = {}): Promise<Output> {
    const name = options?.step ?? `wait ${String(workflowName)} ${String(instanceId)}`;
    const target = { workflowName, instanceId };
    return this.step(name, 'waitForWorkflow', (stored) => runWaitForWorkflowStep(this.host, name, target, options ?? {}, stored)) as Promise<Output>;
  }

  async runWorkflow<Output = unknown, Params = unknown>(workflowName: string, options: RunWorkflowOptions<Params> = {}): Promise<Output> {
    const child = await this.startWorkflow(workflowName, options);
    return this.waitForWorkflow<Output>(child.workflowName, child.instanceId, { timeout: options?.timeout, step: options?.waitStep });
  }

  /** `<workflow>-<id>`, or `<workflow>-<n>` for the n-th start of that workflow without an id in this run. */
  private startStepName(workflowName: string, id: string | undefined): string {
    if (id !== undefined) return `${String(workflowName)}-${String(id)}`;
    const n = (this.unnamedStarts.get(workflowName) ?? 0) + 1;
    this.unnamedStarts.set(workflowName, n);
    return `${String(workflowName)}-${n}`;
  }

  /** What every step kind shares: the name rules, replay of finished steps, in-progress bookkeeping. */
  private async step(name: string, type: StepType, run: (stored: StepRecord | undefined) => Promise<unknown>): Promise<unknown> {
    const { ledger } = this.host;
    assertStepName(name);
    const stored = ledger.stored(name);
    if (stored && stored.type !== type) throw new StepTypeMismatchError(`Step "${name}" is a ${stored.type} step; it cannot be used as ${type}`);
    if (ledger.isBusy(name)) throw new DuplicateStepError(`Step "${name}" is already in progress; concurrent steps need distinct names`);
    if (ledger.exceedsStepLimit(name)) {
      const error = new MaxStepsExceededError(`A run may have at most ${this.host.limits.maxStepsPerRun} steps`);
      // Not only this step: the run ends with it, even if the code catches the error.
      this.host.failRun(toErrorInfo(error));
      throw error;
    }
    if (stored?.status === 'completed') return type === 'sleep' ? undefined : readResult(stored);
    if (stored?.status === 'errored') throw storedError(stored);
    ledger.leaveReplay();
    this.host.begin(name);
    try {
      return await run(stored);
    } finally {
      this.host.end(name);
    }
  }
}

/** 1-256 characters, stored exactly as given (no NUL, no lone surrogate): a replay finds it by name. */
function assertStepName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length < 1 || name.length > MAX_STEP_NAME_LENGTH) {
    throw new InvalidStepNameError(`Step names must be 1-${MAX_STEP_NAME_LENGTH} characters`);
  }
  if (!isStorableText(name)) throw new InvalidStepNameError('Step names must not contain NUL characters or unpaired surrogates');
}

/** The category option, read without letting a throwing getter escape into workflow code. */
function categoryOf(options: { category?: unknown } | undefined): unknown {
  try {
    return options?.category;
  } catch {
    return undefined;
  }
}
