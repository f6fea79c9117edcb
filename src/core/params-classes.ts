import { plainToInstance } from 'class-transformer';
// Where @Type() keeps the class of nested values; class-transformer exports it from this path only.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validate } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { flattenIssues } from '../common/validation-issues';
import type { JsonSchema, ParamsClassSupport } from '../engine/definition/params-schema';

/**
 * Params classes are class-validator DTOs: params are checked against one with unknown fields
 * refused, and the class's decorators describe it as JSON Schema for `GET /workflows`.
 */
export const paramsClasses: ParamsClassSupport = {
  async validate(schema, params) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return ['params must be an object'];
    const instance = plainToInstance(schema as new () => object, params);
    return flattenIssues(await validate(instance, { whitelist: true, forbidNonWhitelisted: true }));
  },
  describe(schema) {
    const all = validationMetadatasToSchemas({ refPointerPrefix: REF_PREFIX, classTransformerMetadataStorage: defaultMetadataStorage }) as Record<string, JsonSchema>;
    const name = (schema as new () => object).name;
    const definitions = referencedDefinitions(all[name] ?? {}, all);
    // Unknown fields are refused, so the schema says so too.
    return { ...(all[name] ?? { type: 'object' }), additionalProperties: false, ...(Object.keys(definitions).length ? { definitions } : {}) };
  },
};

const REF_PREFIX = '#/definitions/';

/** The classes a schema points at (nested DTOs), and the ones those point at, by name. */
function referencedDefinitions(schema: JsonSchema, all: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const found: Record<string, JsonSchema> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(REF_PREFIX)) {
        const referenced = inner.slice(REF_PREFIX.length);
        if (!(referenced in found) && all[referenced]) {
          found[referenced] = all[referenced];
          visit(all[referenced]);
        }
      } else visit(inner);
    }
  };
  visit(schema);
  return found;
}
