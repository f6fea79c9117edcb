import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenIssues } from '../common/validation-issues';
import type { ParamsClassValidator } from '../engine/engine-deps';

/** Validates workflow params against a class-validator DTO class: unknown fields are rejected. */
export const validateParamsClass: ParamsClassValidator = async (schema, params) => {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return ['params must be an object'];
  const instance = plainToInstance(schema as new () => object, params);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  return flattenIssues(errors);
};
