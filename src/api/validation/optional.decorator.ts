import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but not sent as `null`: unlike `@IsOptional()`, a `null` still goes
 * through the field's other checks (and fails them).
 */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);
