import type { LogLevel } from '../definition/types';
import { LOG_LEVELS } from '../definition/types';
import { type CursorCodec, type PageOrder, isLogPosition, isRunNumber, isRunPosition, isSequencePosition, type RunPosition } from '../cursors';
import { EngineError } from '../errors';
import type { InstanceKey, InstanceRecord } from '../model';
import type { PageQuery, WorkflowStore } from '../ports/store';
import { normalizeLogCategory } from '../step/step-log';
import { type EventView, type LogView, type StepView, eventViewOf, logViewOf, stepViewOf } from '../views';
import { type PagePlan, pageOf, planPage } from './page-rules';

export interface HistoryOptions {
  /** Default: the run the cursors page, else the current one. */
  runNumber?: number;
  pageSize?: number;
  order?: PageOrder;
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

/** What reading a history needs from the queries around it. */
export interface HistoryContext {
  store: WorkflowStore;
  cursors: CursorCodec;
  rules: { defaultOrder: PageOrder; maxPageSize: number };
}

const isStreamPosition = isRunPosition(isSequencePosition);
const isLogStreamPosition = isRunPosition(isLogPosition);

/**
 * One run's steps, events and (when asked) logs, each paged on its own. A cursor carries the run
 * it pages, so it goes on with that run even after a restart. A run after the current one has
 * nothing yet: an empty history, not an error (as the original fragment answers).
 */
export async function readHistory(context: HistoryContext, instance: InstanceRecord, options: HistoryOptions): Promise<History> {
  if (options.runNumber !== undefined && !isRunNumber(options.runNumber)) {
    throw new EngineError('VALIDATION_ERROR', 'runNumber must be a whole number from 0', { issues: ['runNumber must be a whole number from 0 (the first run)'] });
  }
  assertOneOf('order', options.order, ['asc', 'desc']);
  assertOneOf('logLevel', options.logLevel, LOG_LEVELS);
  const { cursors } = context;
  const key: InstanceKey = instance;
  const base = `${key.workflowName}:${key.instanceId}`;
  // Filtered by the category as it is stored: the same cut a workflow's category went through.
  const category = options.logCategory === undefined ? undefined : normalizeLogCategory(options.logCategory);
  const scopes = { steps: `steps:${base}`, events: `events:${base}`, logs: `logs:${base}:${options.logLevel ?? '*'}:${category ?? '*'}` };
  const plan = <T extends RunPosition>(scope: string, cursor: string | undefined, isPosition: (p: unknown) => p is T) =>
    planPage(cursors, scope, { cursor, pageSize: options.pageSize, order: options.order }, { ...context.rules, isPosition });
  const plans = {
    steps: plan(scopes.steps, options.stepsCursor, isStreamPosition),
    events: plan(scopes.events, options.eventsCursor, isStreamPosition),
    logs: options.includeLogs ? plan(scopes.logs, options.logsCursor, isLogStreamPosition) : undefined,
  };
  const runNumber = runToRead(options.runNumber, [plans.steps, plans.events, plans.logs], instance.runNumber);
  const run = { key, runNumber };
  // Nothing is stored for a run that has not happened: no need to ask.
  const later = runNumber > instance.runNumber;
  const read = async <R>(streamPlan: PagePlan<RunPosition>, list: (query: PageQuery<number>) => Promise<R[]>) =>
    later ? [] : list({ limit: streamPlan.pageSize + 1, order: streamPlan.order, after: streamPlan.after?.at });
  const at = (position: number): RunPosition => ({ run: runNumber, at: position });

  const steps = pageOf(cursors, scopes.steps, plans.steps, await read(plans.steps, (q) => context.store.listSteps({ ...run, ...q })), (s) => at(s.seq));
  const events = pageOf(cursors, scopes.events, plans.events, await read(plans.events, (q) => context.store.listEvents({ ...run, ...q })), (e) => at(e.seq));
  const history: History = {
    runNumber,
    steps: steps.rows.map(stepViewOf),
    ...(steps.cursor ? { stepsCursor: steps.cursor } : {}),
    stepsHasNextPage: steps.hasNextPage,
    events: events.rows.map(eventViewOf),
    ...(events.cursor ? { eventsCursor: events.cursor } : {}),
    eventsHasNextPage: events.hasNextPage,
  };
  if (plans.logs) {
    const levels = options.logLevel ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(options.logLevel)) : undefined;
    const rows = await read(plans.logs, (q) => context.store.listLogs({ ...run, ...q, levels, category }));
    const logs = pageOf(cursors, scopes.logs, plans.logs, rows, (l) => at(l.id));
    Object.assign(history, { logs: logs.rows.map(logViewOf), ...(logs.cursor ? { logsCursor: logs.cursor } : {}), logsHasNextPage: logs.hasNextPage });
  }
  return history;
}

/** The run asked for, the one the cursors page, or else the current one; they must agree. */
function runToRead(asked: number | undefined, plans: Array<PagePlan<RunPosition> | undefined>, current: number): number {
  const runs = new Set(plans.flatMap((p) => (p?.after ? [p.after.run] : [])));
  if (asked !== undefined) runs.add(asked);
  if (runs.size > 1) throw new EngineError('INVALID_CURSOR', 'The cursors belong to another run than the one asked for');
  return runs.values().next().value ?? current;
}

/** The programmatic client takes the same values the HTTP API does. */
export function assertOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new EngineError('VALIDATION_ERROR', `${name} must be one of ${allowed.join(', ')}`, {
      issues: [`${name} must be one of ${allowed.join(', ')}`],
    });
  }
}
