import type { LogLevel } from '../definition/types';
import { LOG_LEVELS } from '../definition/types';
import type { EngineDeps } from '../engine-deps';
import { CursorCodec } from '../cursors';
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

/** Read-side of the engine: instance details, listings and history, with signed cursors. */
export class InstanceQueries {
  private readonly cursors: CursorCodec;

  constructor(private readonly deps: EngineDeps) {
    this.cursors = new CursorCodec(deps.cursorSecret);
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
    const after = options.cursor ? this.cursors.decode<{ createdAt: number; instanceId: string }>(scope, options.cursor) : undefined;
    const rows = await this.deps.store.listInstances({ workflowName, status: options.status, order: 'desc', limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const hasNextPage = rows.length > limit;
    return {
      instances: page.map(summaryOf),
      ...(hasNextPage ? { cursor: this.cursors.encode(scope, { createdAt: last.createdAt, instanceId: last.instanceId }) } : {}),
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
    const run = { key, runNumber };
    const scope = (stream: string) => `${stream}:${key.workflowName}:${key.instanceId}:${runNumber}:${order}`;
    const page = <K>(stream: string, cursor: string | undefined): PageQuery<K> => ({
      limit: limit + 1,
      order,
      after: cursor ? this.cursors.decode<K>(scope(stream), cursor) : undefined,
    });

    const steps = await this.deps.store.listSteps({ ...run, ...page<number>('steps', options.stepsCursor) });
    const events = await this.deps.store.listEvents({ ...run, ...page<number>('events', options.eventsCursor) });
    const history: History = {
      runNumber,
      ...this.paged('steps', scope('steps'), steps, limit, (s) => s.seq, stepViewOf),
      ...this.paged('events', scope('events'), events, limit, (e) => e.seq, eventViewOf),
    } as History;
    if (options.includeLogs) {
      const logScope = `${scope('logs')}:${options.logLevel ?? '*'}:${options.logCategory ?? '*'}`;
      const logs = await this.deps.store.listLogs({
        ...run,
        limit: limit + 1,
        order,
        after: options.logsCursor ? this.cursors.decode<number>(logScope, options.logsCursor) : undefined,
        levels: options.logLevel ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(options.logLevel)) : undefined,
        category: options.logCategory,
      });
      Object.assign(history, this.paged('logs', logScope, logs, limit, (l) => l.id, logViewOf));
    }
    return history;
  }

  /** `{ [name]: views, [name]Cursor?, [name]HasNextPage }` for one stream. */
  private paged<R, V>(name: string, scope: string, rows: R[], limit: number, position: (row: R) => number, view: (row: R) => V) {
    const page = rows.slice(0, limit);
    const hasNextPage = rows.length > limit;
    return {
      [name]: page.map(view),
      ...(hasNextPage ? { [`${name}Cursor`]: this.cursors.encode(scope, position(page[page.length - 1])) } : {}),
      [`${name}HasNextPage`]: hasNextPage,
    };
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

/** The client takes the same values the HTTP API does (SPEC section 9). */
function assertOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new EngineError('VALIDATION_ERROR', `${name} must be one of ${allowed.join(', ')}`, {
      issues: [`${name} must be one of ${allowed.join(', ')}`],
    });
  }
}
