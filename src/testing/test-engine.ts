import { paramsClasses } from '../core/params-classes';
import {
  type CreatedInstance,
  type CreateInstanceInput,
  type CreateOptions,
  createEngine,
  type DeletedInstance,
  type DeleteInstanceOptions,
  type Duration,
  type Engine,
  type History,
  type HistoryOptions,
  type InstancePage,
  type InstanceView,
  type ListInstancesOptions,
  ManualClock,
  parseDuration,
  RUNNER_DEFAULTS,
  type SendEventInput,
  type SentEvent,
  WorkflowRegistry,
  type WorkflowsApi,
  type WorkflowsClient,
  type WorkflowSource,
  type WorkflowSummary,
} from '../engine';
import type { EngineLimits } from '../engine/limits';
import type { EngineLogger } from '../engine/ports/logger';
import { openWorkflowStore } from '../persistence/open-workflow-store';
import type { SqlWorkflowStore } from '../persistence/sql-workflow-store';
import { type StepMock, StepMocks } from './step-mocks';
import { StoreActivity } from './store-activity';

export interface TestEngineOptions {
  /** What `WorkflowsModule.forRoot({ workflows })` takes: definitions, `@Workflow` classes, instances of them. */
  workflows: Iterable<WorkflowSource>;
  /** A database URL (`postgres://…`, `sqlite:<file>`); default `sqlite::memory:`, private to this engine. */
  database?: string;
  /** Where the clock starts (default: the wall clock's time when the engine is created). */
  startAt?: Date | number | string;
  limits?: Partial<EngineLimits>;
  /** Where the engine's own warnings go (default: nowhere). */
  logger?: EngineLogger;
}

/** Runs claimed in one round; far more than a test has due at once. */
const CLAIM_BATCH = 1_000;
/** Rounds of claims one `runUntilIdle` may take: past this, something keeps making itself due. */
const MAX_ROUNDS = 10_000;

/** An engine on a private in-memory SQLite database (or the one given) whose time moves only when told. */
export async function createTestEngine(options: TestEngineOptions): Promise<TestEngine> {
  const authored = new WorkflowRegistry(options.workflows);
  const activity = new StoreActivity();
  const store = await openWorkflowStore({ url: options.database ?? 'sqlite::memory:' });
  const clock = new ManualClock(startTimeOf(options.startAt));
  const mocks = new StepMocks();
  const engine = createEngine({
    store: activity.watch(store),
    clock,
    workflows: authored.list().map((definition) => mocks.wrap(definition)),
    paramsClasses,
    limits: options.limits,
    logger: options.logger,
  });
  // Class-style workflows were instantiated by `authored`: they get their `this.workflows` from it.
  authored.bindClient(engine.client);
  return new TestEngine(engine, store, clock, activity, mocks);
}

function startTimeOf(startAt: TestEngineOptions['startAt']): number {
  if (startAt === undefined) return Date.now();
  const time = new Date(startAt).getTime();
  if (!Number.isFinite(time)) throw new Error(`startAt is not a time: ${String(startAt)}`);
  return time;
}

/**
 * The engine for a test: the programmatic client's methods (same signatures, same results, same
 * `EngineError`s), and time under the test's control. Nothing runs by itself: `runUntilIdle`
 * runs what is due now, `advance` moves time and runs what comes due on the way.
 */
export class TestEngine implements WorkflowsApi {
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly store: SqlWorkflowStore,
    private readonly clock: ManualClock,
    private readonly activity: StoreActivity,
    private readonly mocks: StepMocks,
  ) {}

  /** The engine's own client, for code under test that takes a `WorkflowsClient`. */
  get client(): WorkflowsClient {
    return this.engine.client;
  }

  /** The engine's time. */
  now(): Date {
    return new Date(this.clock.now());
  }

  /**
   * Runs everything due now, claim after claim, until nothing is due and the database is quiet.
   * Runs whose step callback is still pending then (awaiting something only time or the test
   * will settle, such as a step that hangs until its timeout) are left running.
   */
  async runUntilIdle(): Promise<void> {
    this.assertOpen();
    const { runner } = this.engine;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      await this.activity.settled();
      const claims = await runner.claim(CLAIM_BATCH);
      if (!claims.length) return;
      // Not awaited: a run whose step hangs must not hold up the others (advance never throws).
      for (const claim of claims) void runner.advance(claim, RUNNER_DEFAULTS.maxStepsPerClaim);
    }
    throw new Error(`Still busy after ${MAX_ROUNDS} rounds of claims: a workflow keeps making itself due without time passing`);
  }

  /**
   * Moves the clock forward by `duration`, stopping at each moment something comes due on the way
   * (a sleep's end, a retry, an event's deadline, a step attempt's timeout, a lease renewal), in
   * order, and running until idle there. What is due now runs first.
   */
  async advance(duration: Duration): Promise<void> {
    const target = this.clock.now() + parseDuration(duration);
    await this.runUntilIdle();
    // As many stops as the window holds (a minute-by-minute poll over a week is 10,080); only
    // stops that find time unmoved count towards the guard against something due forever.
    for (let stalled = 0, next = await this.nextDueAt(); next !== null && next <= target; next = await this.nextDueAt()) {
      const step = Math.max(0, next - this.clock.now());
      stalled = step === 0 ? stalled + 1 : 0;
      if (stalled === MAX_ROUNDS) throw new Error(`Still finding something due after ${MAX_ROUNDS} stops without time moving`);
      await this.clock.advance(step);
      await this.runUntilIdle();
    }
    await this.clock.advance(target - this.clock.now());
    await this.runUntilIdle();
  }

  /**
   * Makes `step.do(stepName, …)` run `mock` instead of its callback: in every workflow, or only in
   * `workflowName`'s (which wins over one set for all). Returns the function that removes it.
   */
  mockStep(stepName: string, mock: StepMock): () => void;
  mockStep(workflowName: string, stepName: string, mock: StepMock): () => void;
  mockStep(...args: [string, StepMock] | [string, string, StepMock]): () => void {
    if (args.length === 2) return this.mocks.set(null, args[0], args[1]);
    const [workflowName, stepName, mock] = args;
    // A typo would silently mock nothing.
    this.engine.registry.require(workflowName);
    return this.mocks.set(workflowName, stepName, mock);
  }

  /**
   * Stops the runs in flight and closes the database (an in-memory one is gone). Runs parked in a
   * step that never settles are given back to the queue first, as a shutting-down server does.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.runner.drain();
    await this.activity.settled();
    await this.engine.runner.releaseAll();
    await this.store.close();
  }

  listWorkflows(): WorkflowSummary[] {
    return this.client.listWorkflows();
  }

  create(workflowName: string, input?: CreateInstanceInput, options?: CreateOptions): Promise<CreatedInstance> {
    return this.client.create(workflowName, input, options);
  }

  createBatch(workflowName: string, instances: CreateInstanceInput[], options?: CreateOptions): Promise<CreatedInstance[]> {
    return this.client.createBatch(workflowName, instances, options);
  }

  get(workflowName: string, instanceId: string): Promise<InstanceView> {
    return this.client.get(workflowName, instanceId);
  }

  list(workflowName: string, options?: ListInstancesOptions): Promise<InstancePage> {
    return this.client.list(workflowName, options);
  }

  history(workflowName: string, instanceId: string, options?: HistoryOptions): Promise<History> {
    return this.client.history(workflowName, instanceId, options);
  }

  pause(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.client.pause(workflowName, instanceId);
  }

  resume(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.client.resume(workflowName, instanceId);
  }

  restart(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.client.restart(workflowName, instanceId);
  }

  terminate(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.client.terminate(workflowName, instanceId);
  }

  delete(workflowName: string, instanceId: string, options?: DeleteInstanceOptions): Promise<DeletedInstance> {
    return this.client.delete(workflowName, instanceId, options);
  }

  sendEvent(workflowName: string, instanceId: string, event: SendEventInput): Promise<SentEvent> {
    return this.client.sendEvent(workflowName, instanceId, event);
  }

  /** The earliest moment anything is due: a run in the database or a timer on the clock. */
  private async nextDueAt(): Promise<number | null> {
    const times = [await this.engine.runner.nextDueAt(), this.clock.nextTimerAt()].filter((time): time is number => time !== null);
    return times.length ? Math.min(...times) : null;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('This test engine is closed');
  }
}
