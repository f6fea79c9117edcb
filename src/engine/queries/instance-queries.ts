import { randomBytes } from 'node:crypto';
import { CursorCodec, isListPosition } from '../cursors';
import type { EngineDeps } from '../engine-deps';
import { missingInstance, workflowNotFound } from '../errors';
import { assertInstanceId } from '../identifiers';
import { INSTANCE_STATUSES, type InstanceKey, type InstanceStatus } from '../model';
import { type InstanceSummary, type InstanceView, instanceViewOf, summaryOf } from '../views';
import { assertOneOf, type History, type HistoryOptions, readHistory } from './history-query';
import { pageOf, planPage } from './page-rules';

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
    assertOneOf('status', options.status, INSTANCE_STATUSES);
    const scope = listCursorScope(workflowName, options.status);
    const cursors = await this.cursors();
    // Newest first, always: a list cursor only carries its page size.
    const plan = planPage(cursors, scope, { ...options, order: 'desc' }, { ...this.pageRules, isPosition: isListPosition });
    const rows = await this.deps.store.listInstances({ workflowName, status: options.status, order: 'desc', limit: plan.pageSize + 1, after: plan.after });
    // A workflow this process has no code for is listed from its stored instances; one with neither is unknown.
    if (rows.length === 0 && !options.cursor && !(await this.isKnown(workflowName))) throw workflowNotFound(workflowName);
    const page = pageOf(cursors, scope, plan, rows, (row) => ({ createdAt: row.createdAt, instanceId: row.instanceId }));
    return { instances: page.rows.map(summaryOf), ...(page.cursor ? { cursor: page.cursor } : {}), hasNextPage: page.hasNextPage };
  }

  async history(key: InstanceKey, options: HistoryOptions = {}): Promise<History> {
    const instance = await this.find(key);
    return readHistory({ store: this.deps.store, cursors: await this.cursors(), rules: this.pageRules }, instance, options);
  }

  private get pageRules() {
    return { defaultOrder: 'desc' as const, maxPageSize: this.deps.limits.maxPageSize };
  }

  /** Registered here, or with instances stored by a process that has its code. */
  private async isKnown(workflowName: string): Promise<boolean> {
    if (this.deps.registry.has(workflowName)) return true;
    return (await this.deps.store.listInstances({ workflowName, order: 'desc', limit: 1 })).length > 0;
  }

  /** The stored instance, whether or not this process has its workflow's code. */
  private async find(key: InstanceKey) {
    assertInstanceId(key.instanceId);
    const instance = await this.deps.store.findInstance(key);
    if (!instance) throw missingInstance(key, await this.isKnown(key.workflowName));
    return instance;
  }
}
