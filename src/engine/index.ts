/** The engine's public entry: what workflow authors and host applications import. */
export { defineWorkflow, type WorkflowOptions } from './definition/define-workflow';
export { Workflow, WorkflowEntrypoint } from './definition/workflow-entrypoint';
export { WorkflowRegistry, type WorkflowSource } from './definition/registry';
export type * from './definition/types';
export * from './errors';
export { type Duration, parseDuration } from './durations';
export { createEngine, type Engine, type EngineOptions } from './create-engine';
export { WorkflowsClient, type WorkflowSummary } from './workflows-client';
export type { WorkflowsApi } from './workflows-api';
export type * from './views';
export type { InstanceStatus } from './model';
export { INSTANCE_STATUSES } from './model';
export type { Clock } from './ports/clock';
export type { WorkflowStore } from './ports/store';
export { ManualClock } from './testing/manual-clock';
