import type { ParamsCheckResult, ParamsSchema, WorkflowDefinition } from './types';

/** A JSON Schema document (draft 2020-12 or earlier), as plain data. */
export type JsonSchema = Record<string, unknown>;

export type ParamsClass = new (...args: never[]) => object;

/**
 * What the engine needs to use class-validator DTO classes as params schemas: checking params
 * against one, and describing one as JSON Schema. Supplied by the host (the Nest layer), so the
 * engine depends on no validation library.
 */
export interface ParamsClassSupport {
  validate(schema: ParamsClass, params: unknown): Promise<string[]>;
  describe(schema: ParamsClass): JsonSchema;
}

/** Returns the reasons params are invalid for a workflow; empty when they are fine. */
export async function checkParams(definition: WorkflowDefinition, params: unknown, classes: ParamsClassSupport | undefined): Promise<string[]> {
  const schema = definition.params;
  if (!schema) return [];
  if (isParamsClass(schema)) return requireSupport(definition, classes).validate(schema, params);
  try {
    return issuesOf(await (schema as (params: unknown) => ParamsCheckResult)(params));
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/**
 * What a workflow's params look like, for those who start it: the JSON Schema given with the
 * definition, or the one its params class describes; none for a validation function.
 */
export function describeParams(definition: WorkflowDefinition, classes: ParamsClassSupport | undefined): JsonSchema | undefined {
  if (definition.paramsSchema) return definition.paramsSchema;
  const schema = definition.params;
  return schema && isParamsClass(schema) ? requireSupport(definition, classes).describe(schema) : undefined;
}

function isParamsClass(schema: ParamsSchema): schema is ParamsClass {
  return /^class[\s{]/.test(Function.prototype.toString.call(schema));
}

function requireSupport(definition: WorkflowDefinition, classes: ParamsClassSupport | undefined): ParamsClassSupport {
  if (!classes) throw new Error(`Workflow "${definition.name}" uses a params class but no class validator is configured`);
  return classes;
}

function issuesOf(result: ParamsCheckResult): string[] {
  if (result === undefined || result === true) return [];
  if (result === false) return ['params were rejected by the workflow'];
  return Array.isArray(result) ? result.map(String) : [String(result)];
}
