import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
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
    // Unknown fields are refused, so the schema says so too.
    return { ...(targetConstructorToSchema(schema as new () => object) as JsonSchema), additionalProperties: false };
  },
};
