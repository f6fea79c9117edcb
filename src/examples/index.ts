import type { WorkflowSource } from '../engine';
import { approvalWorkflow } from './approval.workflow';
import { OrderWorkflow } from './order.workflow';
import { childWorkflow, parentWorkflow } from './parent-child.workflow';

/** The example workflows the standalone server registers unless EXAMPLES=false. */
export const exampleWorkflows: WorkflowSource[] = [approvalWorkflow, OrderWorkflow, parentWorkflow, childWorkflow];
