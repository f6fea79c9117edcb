import { randomBytes } from 'node:crypto';
import type { LogLevel } from '../definition/types';
import { LOG_LEVELS } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { CursorCodec, isListPosition, isLogPosition, isSequencePosition } from '../cursors';
import { normalizeLogCategory } from '../step/step-log';
import { EngineError, instanceNotFound } from '../errors';
import { assertInstanceId } from '../identifiers';
import { INSTANCE_STATUSES, type InstanceKey, type InstanceStatus } from '../model';
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

export const DEFAULT_PAGE_SIZE = 25;

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
    const limit = this.pageSize(options.pageSize);
    assertOneOf('status', options.status, INSTANCE_STATUSES);
    const scope = listCursorScope(workflowName, options.status);
    const cursors = await this.cursors();
    const after = options.cursor ? cursors.decode(scope, options.cursor, isListPosition) : undefined;
    const rows = await this.deps.store.listInstances({ workflowName, status: options.status, order: 'desc', limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const hasNextPage = rows.length > limit;
    return {
      instances: page.map(summaryOf),
      ...(hasNextPage ? { cursor: cursors.encode(scope, { createdAt: last.createdAt, instanceId: last.instanceId }) } : {}),
      hasNextPage,
    };
  }

  async history(key: InstanceKey, options: HistoryOptions = {}): Promise<History> {
    const instance = await this.find(key);
    const runNumber = options.runNumber ?? instance.runNumber;
    if (!Number.isInteger(runNumber) || runNumber < 1 || runNumber > instance.runNumber) {
      throw new EngineError('VALIDATION_ERROR', `runNumber must be between 1 and ${instance.runNumber}`, {
        issues: [`runNumber: this instance has runs 1 to ${instance.runNumber}`],
      });
    }
    const limit = this.pageSize(options.pageSize);
    assertOneOf('order', options.order, ['asc', 'desc']);
    assertOneOf('logLevel', options.logLevel, LOG_LEVELS);
    const order = options.order ?? 'asc';
    const cursors = await this.cursors();
    const run = { key, runNumber };
    const scope = (stream: string) => `${stream}:${key.workflowName}:${key.instanceId}:${runNumber}:${order}`;
    const page = (streamScope: string, cursor: string | undefined, isPosition = isSequencePosition): PageQuery<number> => ({
      limit: limit + 1,
      order,
      after: cursor ? cursors.decode(streamScope, cursor, isPosition) : undefined,
    });

    const steps = await this.deps.store.listSteps({ ...run, ...page(scope('steps'), options.stepsCursor) });
    const events = await this.deps.store.listEvents({ ...run, ...page(scope('events'), options.eventsCursor) });
    const history: History = {
      runNumber,
      ...paged(cursors, 'steps', scope('steps'), steps, limit, (s) => s.seq, stepViewOf),
      ...paged(cursors, 'events', scope('events'), events, limit, (e) => e.seq, eventViewOf),
    } as History;
    if (options.includeLogs) {
      // Filtered by the category as it is stored: the same cut a workflow's category went through.
      const category = options.logCategory === undefined ? undefined : normalizeLogCategory(options.logCategory);
      const logScope = `${scope('logs')}:${options.logLevel ?? '*'}:${category ?? '*'}`;
      const logs = await this.deps.store.listLogs({
        ...run,
        ...page(logScope, options.logsCursor, isLogPosition),
        levels: options.logLevel ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(options.logLevel)) : undefined,
        category,
      });
      Object.assign(history, paged(cursors, 'logs', logScope, logs, limit, (l) => l.id, logViewOf));
    }
    return history;
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

  private pageSize(pageSize = DEFAULT_PAGE_SIZE): number {
    const max = this.deps.limits.maxPageSize;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
      throw new EngineError('VALIDATION_ERROR', `pageSize must be a whole number from 1 to ${max}`, {
        issues: [`pageSize must be a whole number from 1 to ${max}`],
      });
    }
    return pageSize;
  }
}

/** `{ [name]: views, [name]Cursor?, [name]HasNextPage }` for one stream. */
function paged<R, V>(cursors: CursorCodec, name: string, scope: string, rows: R[], limit: number, position: (row: R) => number, view: (row: R) => V) {
  const page = rows.slice(0, limit);
  const hasNextPage = rows.length > limit;
  return {
    [name]: page.map(view),
    ...(hasNextPage ? { [`${name}Cursor`]: cursors.encode(scope, position(page[page.length - 1])) } : {}),
    [`${name}HasNextPage`]: hasNextPage,
  };
}

/** The programmatic client takes the same values the HTTP API does. */
function assertOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new EngineError('VALIDATION_ERROR', `${name} must be one of ${allowed.join(', ')}`, {
      issues: [`${name} must be one of ${allowed.join(', ')}`],
    });
  }
}
