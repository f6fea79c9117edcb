import type { WorkflowsClient } from './workflows-client';

/** What workflow code can do with other instances (`ctx.workflows`, `this.workflows`). */
export type WorkflowsApi = WorkflowsClient;
