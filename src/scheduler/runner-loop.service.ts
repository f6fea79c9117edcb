import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Engine } from '../engine/create-engine';
import { ENGINE } from '../core/tokens';
import { WakeSignal } from '../core/wake-signal';
import { toErrorInfo } from '../engine/errors';
import { isDatabaseUnavailable } from '../engine/ports/store-errors';
import { type ResolvedWorkflowsOptions, type RunnerOptions, WORKFLOWS_OPTIONS } from '../workflows-module-options';
import { RunnerHeartbeat } from './runner-heartbeat';

const POLL_TIMEOUT = 'workflows-runner-poll';
const HOUSEKEEPING_INTERVAL = 'workflows-runner-housekeeping';
const HOUSEKEEPING_EVERY_MS = 30_000;
const DUE_TIMEOUT = 'workflows-runner-due';
/** Claims are taken a few at a time so one busy process does not hoard the queue. */
const CLAIM_BATCH = 10;
/** While the database is away the loop tries again after this long, doubling up to the maximum. */
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
const BACKOFF_TIMEOUT = 'workflows-runner-backoff';

/**
 * The in-process runner: keeps up to `concurrency` runs advancing. It claims work when woken
 * (create, resume, matching event, a run finishing), when the earliest due time arrives, and on
 * a jittered poll that is the safety net for everything else.
 */
@Injectable()
export class RunnerLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkflowsRunner');
  private readonly options: RunnerOptions;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** For readiness: whether the loop still goes round. */
  readonly heartbeat: RunnerHeartbeat;
  private stopping = false;
  private pumping = false;
  private pumpAgain = false;
  private unlisten?: () => void;
  /** Set while the database is unreachable: no claim is tried before `until`. */
  private backoff?: { ms: number; until: number };
  /** Stops hearing other processes' wake-ups. */
  private unsubscribe?: Promise<() => Promise<void>>;

  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(WORKFLOWS_OPTIONS) moduleOptions: ResolvedWorkflowsOptions,
    private readonly wakeSignal: WakeSignal,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.options = moduleOptions.runner;
    this.heartbeat = new RunnerHeartbeat(this.options);
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.heartbeat.started();
    this.unlisten = this.wakeSignal.listen(() => this.wake());
    // Not awaited: it connects (and reconnects) by itself, and wakes the loop once it listens.
    this.unsubscribe = this.engine.runner.subscribeRunnable(
      () => this.wake(),
      (message) => this.logger.warn(message),
    );
    this.schedulePoll();
    const housekeeping = setInterval(() => {
      this.engine.runner.housekeeping().catch((error: Error) => this.logger.warn(`Housekeeping failed: ${error.message}`));
    }, HOUSEKEEPING_EVERY_MS);
    housekeeping.unref();
    this.scheduler.addInterval(HOUSEKEEPING_INTERVAL, housekeeping);
    // The first claim waits for the next turn of the event loop: application start-up (and the
    // HTTP server starting to listen) never waits for, or depends on, the runner's first work.
    setImmediate(() => this.wake());
  }

  /**
   * Stops claiming; runs in progress finish the step they are in and suspend at its boundary.
   * Whatever has not finished after the grace period is released for another process to take.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unlisten?.();
    await (await this.unsubscribe?.catch(() => undefined))?.();
    this.clearTimeout(POLL_TIMEOUT);
    this.clearTimeout(DUE_TIMEOUT);
    this.clearTimeout(BACKOFF_TIMEOUT);
    if (this.scheduler.doesExist('interval', HOUSEKEEPING_INTERVAL)) this.scheduler.deleteInterval(HOUSEKEEPING_INTERVAL);
    const runner = this.engine.runner;
    runner.drain();
    if (!this.inFlight.size) return;
    this.logger.log(`Waiting up to ${this.options.shutdownGraceMs} ms for ${this.inFlight.size} run(s) to reach a step boundary`);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.shutdownGraceMs)));
    const finished = await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    if (finished === 'timeout') {
      this.logger.warn(`Releasing ${this.inFlight.size} run(s) whose step did not finish in time`);
      await runner.releaseAll();
    }
  }

  wake(): void {
    if (this.stopping || (this.backoff && Date.now() < this.backoff.until)) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.stopping && this.inFlight.size < this.options.concurrency) {
          const room = Math.min(CLAIM_BATCH, this.options.concurrency - this.inFlight.size);
          const claims = await this.engine.runner.claim(room);
          for (const claim of claims) this.track(this.engine.runner.advance(claim, this.options.maxStepsPerClaim));
          if (claims.length < room) break;
        }
        this.heartbeat.beat();
      } while (this.pumpAgain && !this.stopping);
      await this.armDueTimer();
      this.recovered();
    } catch (error) {
      this.heartbeat.beat();
      if (isDatabaseUnavailable(error)) this.backOff();
      else this.logger.error(`Runner loop failed: ${toErrorInfo(error).message}`);
    } finally {
      this.pumping = false;
      // A wake-up that came while the due timer was being armed must not wait for the poll.
      if (this.pumpAgain && !this.stopping) this.wake();
    }
  }

  /** The database is away: try again later, each time a little later, and say so once. */
  private backOff(): void {
    const ms = this.backoff ? Math.min(this.backoff.ms * 2, MAX_BACKOFF_MS) : FIRST_BACKOFF_MS;
    if (!this.backoff) this.logger.warn('Database unavailable; the runner backs off and resumes when it returns');
    this.backoff = { ms, until: Date.now() + ms };
    this.setTimeout(BACKOFF_TIMEOUT, ms, () => this.wake());
  }

  private recovered(): void {
    if (!this.backoff) return;
    this.backoff = undefined;
    this.logger.log('Database reachable again; the runner resumed');
  }

  private track(run: Promise<unknown>): void {
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      this.wake();
    });
  }

  /**
   * Wakes at the earliest due time when that comes before the next poll. With every slot busy
   * there is nothing to arm: a finishing run wakes the loop anyway.
   */
  private async armDueTimer(): Promise<void> {
    if (this.stopping || this.inFlight.size >= this.options.concurrency) return;
    const next = await this.engine.runner.nextDueAt();
    this.clearTimeout(DUE_TIMEOUT);
    if (next === null) return;
    const delay = next - this.engine.runner.now();
    if (delay >= this.options.pollIntervalMs) return;
    this.setTimeout(DUE_TIMEOUT, Math.max(0, delay), () => this.wake());
  }

  private schedulePoll(): void {
    const jittered = this.options.pollIntervalMs * (0.8 + Math.random() * 0.4);
    this.setTimeout(POLL_TIMEOUT, jittered, () => {
      this.wake();
      this.schedulePoll();
    });
  }

  private setTimeout(name: string, ms: number, callback: () => void): void {
    this.clearTimeout(name);
    const handle = setTimeout(() => {
      this.scheduler.deleteTimeout(name);
      callback();
    }, ms);
    handle.unref();
    this.scheduler.addTimeout(name, handle);
  }

  private clearTimeout(name: string): void {
    if (this.scheduler.doesExist('timeout', name)) this.scheduler.deleteTimeout(name);
  }
}
