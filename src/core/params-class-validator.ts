import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import type { ParamsClassValidator } from '../engine/engine-deps';

/** Validates workflow params against a class-validator DTO class: unknown fields are rejected. */
export const validateParamsClass: ParamsClassValidator = async (schema, params) => {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return ['params must be an object'];
  const instance = plainToInstance(schema as new () => object, params);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  return flatten(errors);
};

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix + error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => (message.startsWith(error.property) ? prefix + message : `${path}: ${message}`));
    return [...own, ...flatten(error.children ?? [], `${path}.`)];
  });
}
