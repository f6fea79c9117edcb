import type { WorkflowModule } from '../../config/load-workflow-modules';
import type { WorkflowSource } from '../../engine';
import { workflowOptionsOf } from '../../engine/definition/workflow-entrypoint';

/** The workflows the server registers, named, with the WORKFLOWS_PATH file each came from. */
export function registeredWorkflows(examples: WorkflowSource[], modules: WorkflowModule[]): { name: string; file?: string }[] {
  return [
    ...examples.map((source) => ({ name: workflowNameOf(source) })),
    ...modules.flatMap(({ file, workflows }) => workflows.map((source) => ({ name: workflowNameOf(source), file }))),
  ];
}

function workflowNameOf(source: WorkflowSource): string {
  const options = workflowOptionsOf(source) ?? workflowOptionsOf((source as object).constructor);
  return options?.name ?? (source as { name: string }).name;
}
