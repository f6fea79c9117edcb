import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which run, and which step attempt, the current async call chain belongs to. Log lines use it
 * to say which step wrote them; a process-level handler uses it to name the instance behind a
 * stray rejection or exception thrown by workflow code.
 */
export interface ExecutionScope {
  workflowName: string;
  instanceId: string;
  runNumber: number;
  stepName?: string;
  attempt?: number;
}

const scopes = new AsyncLocalStorage<ExecutionScope>();

export function runInScope<T>(scope: ExecutionScope, work: () => T): T {
  return scopes.run(scope, work);
}

/**
 * Runs engine work (writes, timers, suspension) outside the scope of the workflow code that
 * triggered it, so that a fault of the engine's own is never blamed on workflow code.
 */
export function outsideScope<T>(work: () => T): T {
  return scopes.exit(work);
}

/** The run (and step) whose code is running now, if any. */
export function currentExecutionScope(): ExecutionScope | undefined {
  return scopes.getStore();
}
