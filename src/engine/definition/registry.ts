import { workflowNotFound } from '../errors';
import { isValidWorkflowName } from '../identifiers';
import { workflowRetentionMs } from '../retention/retention-period';
import type { WorkflowsApi } from '../workflows-api';
import { WorkflowEntrypoint, workflowOptionsOf } from './workflow-entrypoint';
import type { WorkflowDefinition } from './types';

/** Anything that can be registered: a definition object, a `@Workflow` class, or an instance of one. */
export type WorkflowSource =
  | WorkflowDefinition<never, unknown>
  | WorkflowEntrypoint<never, unknown>
  | (abstract new (...args: never[]) => unknown);

export class WorkflowRegistry {
  private readonly byName = new Map<string, WorkflowDefinition>();
  private readonly entrypoints: WorkflowEntrypoint<never, unknown>[] = [];
  private client?: WorkflowsApi;

  constructor(sources: Iterable<WorkflowSource> = []) {
    for (const source of sources) this.register(source);
  }

  register(source: WorkflowSource): WorkflowDefinition {
    const definition = this.toDefinition(source);
    if (!isValidWorkflowName(definition.name)) {
      throw new Error(`Invalid workflow name ${JSON.stringify(definition.name)}: use 1-64 characters of [a-zA-Z0-9_-]`);
    }
    // A wrong retention is a setting's fault: the process should not start with it.
    if (definition.retention !== undefined) workflowRetentionMs({ name: definition.name, retention: definition.retention });
    if (this.byName.has(definition.name)) {
      throw new Error(`Duplicate workflow name "${definition.name}": workflow names must be unique`);
    }
    this.byName.set(definition.name, definition);
    return definition;
  }

  get(name: string): WorkflowDefinition | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The definition, or WORKFLOW_NOT_FOUND. */
  require(name: string): WorkflowDefinition {
    const definition = this.byName.get(name);
    if (!definition) throw workflowNotFound(name);
    return definition;
  }

  list(): WorkflowDefinition[] {
    return [...this.byName.values()];
  }

  /** Gives class-style workflows their `this.workflows`, now and for any registered later. */
  bindClient(client: WorkflowsApi): void {
    this.client = client;
    for (const entrypoint of this.entrypoints) entrypoint.workflows = client;
  }

  private toDefinition(source: WorkflowSource): WorkflowDefinition {
    if (typeof source === 'function') {
      const options = workflowOptionsOf(source);
      if (!options) throw new Error(`Class ${source.name} is not decorated with @Workflow()`);
      // Made here without arguments, its dependencies would be undefined until a run failed on them
      // (an optional parameter is refused too: the class cannot say which it can do without).
      if (source.length > 0) {
        throw new Error(`Class ${source.name} declares constructor parameters: pass an instance (new ${source.name}(…)), or let WorkflowsModule inject them`);
      }
      return this.fromEntrypoint(new (source as new () => WorkflowEntrypoint<never, unknown>)());
    }
    if (workflowOptionsOf(source.constructor)) return this.fromEntrypoint(source as WorkflowEntrypoint<never, unknown>);
    const definition = source as WorkflowDefinition<never, unknown>;
    if (typeof definition?.run !== 'function' || typeof definition.name !== 'string') {
      throw new Error('A workflow definition needs a string "name" and a "run" function');
    }
    return {
      name: definition.name,
      description: definition.description,
      params: definition.params,
      paramsSchema: definition.paramsSchema,
      retention: definition.retention,
      run: (event, step, context) => definition.run(event as never, step, context),
    };
  }

  private fromEntrypoint(entrypoint: WorkflowEntrypoint<never, unknown>): WorkflowDefinition {
    const options = workflowOptionsOf(entrypoint.constructor)!;
    if (this.client) entrypoint.workflows = this.client;
    this.entrypoints.push(entrypoint);
    return { ...options, run: (event, step) => entrypoint.run(event as never, step) };
  }
}
