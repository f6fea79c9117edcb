import { randomBytes } from 'node:crypto';
import type { LogLevel } from '../definition/types';
import { LOG_LEVELS } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { CursorCodec, isListPosition, isLogPosition, isSequencePosition } from '../cursors';
import { type PagePlan, pageOf, planPage } from './page-rules';
import { normalizeLogCategory } from '../step/step-log';
import { EngineError, instanceNotFound } from '../errors';
import { assertInstanceId } from '../identifiers';
import { FIRST_RUN_NUMBER, INSTANCE_STATUSES, type InstanceKey, type InstanceStatus } from '../model';
import type { PageQuery } from '../ports/store';
import {
  type EventView,
  type InstanceSummary,
  type InstanceView,
  type LogView,
  type StepView,
  eventViewOf,
  instanceViewOf,
  logViewOf,
  stepViewOf,
  summaryOf,
} from '../views';

export interface ListInstancesOptions {
  status?: InstanceStatus;
  pageSize?: number;
  cursor?: string;
}

export interface InstancePage {
  instances: InstanceSummary[];
  cursor?: string;
  hasNextPage: boolean;
}

export interface HistoryOptions {
  runNumber?: number;
  pageSize?: number;
  order?: 'asc' | 'desc';
  stepsCursor?: string;
  eventsCursor?: string;
  logsCursor?: string;
  includeLogs?: boolean;
  /** That level and more severe ones. */
  logLevel?: LogLevel;
  logCategory?: string;
}

export interface History {
  runNumber: number;
  steps: StepView[];
  events: EventView[];
  stepsCursor?: string;
  stepsHasNextPage: boolean;
  eventsCursor?: string;
  eventsHasNextPage: boolean;
  logs?: LogView[];
  logsCursor?: string;
  logsHasNextPage?: boolean;
}

/** What a list cursor is valid for: the workflow and the status filter it was issued with. */
export function listCursorScope(workflowName: string, status?: InstanceStatus): string {
  return `instances:${workflowName}:${status ?? '*'}`;
}

/** The name under which the database keeps the generated cursor key. */
const CURSOR_SECRET_SETTING = 'cursor-secret';

/** Read-side of the engine: instance details, listings and history, with signed cursors. */
export class InstanceQueries {
  private codec?: Promise<CursorCodec>;

  constructor(private readonly deps: EngineDeps) {}

  /**
   * The configured key, or else one made at random and kept in the database by the first process
   * that needs it, so that every replica signs and accepts the same cursors.
   */
  private cursors(): Promise<CursorCodec> {
    if (this.deps.cursorSecret) return Promise.resolve((this.codec ??= Promise.resolve(new CursorCodec(this.deps.cursorSecret))));
    this.codec ??= this.deps.store
      .sharedSetting(CURSOR_SECRET_SETTING, () => randomBytes(32).toString('base64url'))
      .then((secret) => new CursorCodec(secret));
    // A database that was away must be asked again next time.
    this.codec.catch(() => (this.codec = undefined));
    return this.codec;
  }

  async get(key: InstanceKey): Promise<InstanceView> {
    const instance = await this.find(key);
    return instanceViewOf(instance, await this.deps.store.lastStep(key, instance.runNumber));
  }

  async list(workflowName: string, options: ListInstancesOptions = {}): Promise<InstancePage> {
    this.deps.registry.require(workflowName);
    assertOneOf('status', options.status, INSTANCE_STATUSES);
    const scope = listCursorScope(workflowName, options.status);
    const cursors = await this.cursors();
    // Newest first, always: a list cursor only carries its page size.
    const plan = planPage(cursors, scope, { ...options, order: 'desc' }, { ...this.pageRules, isPosition: isListPosition });
    const rows = await this.deps.store.listInstances({ workflowName, status: options.status, order: 'desc', limit: plan.pageSize + 1, after: plan.after });
    const page = pageOf(cursors, scope, plan, rows, (row) => ({ createdAt: row.createdAt, instanceId: row.instanceId }));
    return { instances: page.rows.map(summaryOf), ...(page.cursor ? { cursor: page.cursor } : {}), hasNextPage: page.hasNextPage };
  }

  /**
   * One run's steps, events and (when asked) logs, each paged on its own. A run after the
   * current one has nothing yet: an empty history, not an error (as the original fragment answers).
   */
  async history(key: InstanceKey, options: HistoryOptions = {}): Promise<History> {
    const instance = await this.find(key);
    const runNumber = options.runNumber ?? instance.runNumber;
    if (!Number.isInteger(runNumber) || runNumber < FIRST_RUN_NUMBER) {
      throw new EngineError('VALIDATION_ERROR', `runNumber must be a whole number from ${FIRST_RUN_NUMBER}`, {
        issues: [`runNumber: this instance has runs ${FIRST_RUN_NUMBER} to ${instance.runNumber}`],
      });
    }
    assertOneOf('order', options.order, ['asc', 'desc']);
    assertOneOf('logLevel', options.logLevel, LOG_LEVELS);
    const cursors = await this.cursors();
    const run = { key, runNumber };
    const scope = (stream: string) => `${stream}:${key.workflowName}:${key.instanceId}:${runNumber}`;
    const plan = <T>(streamScope: string, cursor: string | undefined, isPosition: (position: unknown) => position is T) =>
      planPage(cursors, streamScope, { cursor, pageSize: options.pageSize, order: options.order }, { ...this.pageRules, isPosition });
    const read = (streamPlan: PagePlan<number>): PageQuery<number> => ({ limit: streamPlan.pageSize + 1, order: streamPlan.order, after: streamPlan.after });

    const stepsPlan = plan(scope('steps'), options.stepsCursor, isSequencePosition);
    const eventsPlan = plan(scope('events'), options.eventsCursor, isSequencePosition);
    const steps = pageOf(cursors, scope('steps'), stepsPlan, await this.deps.store.listSteps({ ...run, ...read(stepsPlan) }), (s) => s.seq);
    const events = pageOf(cursors, scope('events'), eventsPlan, await this.deps.store.listEvents({ ...run, ...read(eventsPlan) }), (e) => e.seq);
    const history: History = {
      runNumber,
      steps: steps.rows.map(stepViewOf),
      ...(steps.cursor ? { stepsCursor: steps.cursor } : {}),
      stepsHasNextPage: steps.hasNextPage,
      events: events.rows.map(eventViewOf),
      ...(events.cursor ? { eventsCursor: events.cursor } : {}),
      eventsHasNextPage: events.hasNextPage,
    };
    if (options.includeLogs) {
      // Filtered by the category as it is stored: the same cut a workflow's category went through.
      const category = options.logCategory === undefined ? undefined : normalizeLogCategory(options.logCategory);
      const logScope = `${scope('logs')}:${options.logLevel ?? '*'}:${category ?? '*'}`;
      const logsPlan = plan(logScope, options.logsCursor, isLogPosition);
      const levels = options.logLevel ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(options.logLevel)) : undefined;
      const logs = pageOf(cursors, logScope, logsPlan, await this.deps.store.listLogs({ ...run, ...read(logsPlan), levels, category }), (l) => l.id);
      Object.assign(history, { logs: logs.rows.map(logViewOf), ...(logs.cursor ? { logsCursor: logs.cursor } : {}), logsHasNextPage: logs.hasNextPage });
    }
    return history;
  }

  private get pageRules() {
    return { defaultOrder: 'desc' as const, maxPageSize: this.deps.limits.maxPageSize };
  }

  private async find(key: InstanceKey) {
    this.deps.registry.require(key.workflowName);
    assertInstanceId(key.instanceId);
    const instance = await this.deps.store.findInstance(key);
    if (!instance) {
      throw instanceNotFound(key);
    }
    return instance;
  }
}

/** The programmatic client takes the same values the HTTP API does. */
function assertOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new EngineError('VALIDATION_ERROR', `${name} must be one of ${allowed.join(', ')}`, {
      issues: [`${name} must be one of ${allowed.join(', ')}`],
    });
  }
}
