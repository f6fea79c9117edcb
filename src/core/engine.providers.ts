import { Logger, type Provider } from '@nestjs/common';
import { createEngine, type Engine } from '../engine/create-engine';
import type { WorkflowSource } from '../engine/definition/registry';
import type { WorkflowStore } from '../engine/ports/store';
import type { EngineTelemetry } from '../engine/ports/telemetry';
import { WorkflowsClient } from '../engine/workflows-client';
import { WORKFLOW_TRACING, type WorkflowTracing } from '../observability/tracing/workflow-tracing';
import { openWorkflowStore } from '../persistence/open-workflow-store';
import { OperationalQueries } from '../persistence/operational-queries';
import type { SqlWorkflowStore } from '../persistence/sql-workflow-store';
import { type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../workflows-module-options';
import { DatabaseClock } from './database-clock';
import { nestEngineLogger } from './nest-engine-logger';
import { paramsClasses } from './params-classes';
import { telemetryProviders } from './telemetry.providers';
import { ENGINE, ENGINE_CLOCK, ENGINE_TELEMETRY, WORKFLOW_STORE } from './tokens';
import { WakeSignal } from './wake-signal';

/**
 * Connection errors the pool recovers from by itself (a killed backend, a restarting server),
 * logged at most once a second with how many there were: a server restart kills every connection.
 */
function connectionErrorLog(): (error: Error) => void {
  const logger = new Logger('WorkflowsDatabase');
  let lastAt = 0;
  let unreported = 0;
  return (error) => {
    unreported++;
    if (Date.now() - lastAt < 1000) return;
    logger.warn({ msg: `Database connection lost (${unreported} since the last report; the pool reconnects): ${error.message}`, lostConnections: unreported });
    lastAt = Date.now();
    unreported = 0;
  };
}

/**
 * The engine inside Nest: the store (connected and migrated before anything else starts), the
 * database-following clock, the engine's telemetry, and the engine itself with its client.
 * `@Workflow` classes are Nest providers, so their instances come injected.
 */
export function engineProviders(sources: WorkflowSource[]): Provider[] {
  const classes = sources.filter((source): source is WorkflowSource & (abstract new (...args: never[]) => unknown) => typeof source === 'function');
  return [
    WakeSignal,
    ...telemetryProviders,
    ...(classes as Provider[]),
    {
      provide: WORKFLOW_STORE,
      inject: [WORKFLOWS_OPTIONS, ENGINE_TELEMETRY],
      useFactory: (options: ResolvedWorkflowsOptions, telemetry: EngineTelemetry) =>
        openWorkflowStore({ ...options.database, onConnectionError: connectionErrorLog(), onDatabaseError: (kind) => telemetry.databaseError({ kind }) }),
    },
    { provide: OperationalQueries, inject: [WORKFLOW_STORE], useFactory: (store: SqlWorkflowStore) => new OperationalQueries(store.connection) },
    {
      provide: ENGINE_CLOCK,
      inject: [WORKFLOW_STORE],
      useFactory: async (store: WorkflowStore) => {
        const clock = new DatabaseClock(store);
        await clock.start();
        return clock;
      },
    },
    {
      provide: ENGINE,
      inject: [WORKFLOWS_OPTIONS, WORKFLOW_STORE, ENGINE_CLOCK, WakeSignal, ENGINE_TELEMETRY, WORKFLOW_TRACING, ...classes],
      useFactory: (
        options: ResolvedWorkflowsOptions,
        store: WorkflowStore,
        clock: DatabaseClock,
        wake: WakeSignal,
        telemetry: EngineTelemetry,
        tracing: WorkflowTracing,
        ...instances: object[]
      ): Engine => {
        // Keep the order the host gave: definitions and classes, classes replaced by their instances.
        const byClass = new Map(classes.map((cls, i) => [cls, instances[i]]));
        const workflows = sources.map((source) => (byClass.get(source as never) ?? source) as WorkflowSource);
        return createEngine({
          store,
          clock,
          workflows,
          logger: nestEngineLogger(),
          telemetry,
          currentTraceParent: () => tracing.currentTraceParent(),
          limits: options.limits,
          leaseMs: options.runner.leaseMs,
          cursorSecret: options.cursorSecret,
          paramsClasses,
          retention: options.retention,
          onRunnable: () => wake.raise(),
        });
      },
    },
    { provide: WorkflowsClient, inject: [ENGINE], useFactory: (engine: Engine) => engine.client },
  ];
}
