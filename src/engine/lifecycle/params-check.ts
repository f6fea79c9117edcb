import type { ParamsCheckResult, ParamsSchema, WorkflowDefinition } from '../definition/types';
import type { ParamsClassValidator } from '../engine-deps';

/** Returns the reasons params are invalid for a workflow; empty when they are fine. */
export async function checkParams(
  definition: WorkflowDefinition,
  params: unknown,
  validateClass: ParamsClassValidator | undefined,
): Promise<string[]> {
  const schema = definition.params;
  if (!schema) return [];
  if (isClass(schema)) {
    if (!validateClass) throw new Error(`Workflow "${definition.name}" uses a params class but no class validator is configured`);
    return validateClass(schema, params);
  }
  try {
    return issuesOf(await (schema as (params: unknown) => ParamsCheckResult)(params));
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

function isClass(schema: ParamsSchema): schema is new (...args: never[]) => object {
  return /^class[\s{]/.test(Function.prototype.toString.call(schema));
}

function issuesOf(result: ParamsCheckResult): string[] {
  if (result === undefined || result === true) return [];
  if (result === false) return ['params were rejected by the workflow'];
  return Array.isArray(result) ? result.map(String) : [String(result)];
}
