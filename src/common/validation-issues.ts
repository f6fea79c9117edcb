import type { ValidationError } from 'class-validator';

/** class-validator's nested errors as flat, readable lines: `items.0.id: must be a string`. */
export function flattenIssues(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${prefix}${message}` : `${path}: ${message}`,
    );
    return [...own, ...flattenIssues(error.children ?? [], `${path}.`)];
  });
}
