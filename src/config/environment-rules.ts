import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { toBoolean, toInteger } from '../common/value-transforms';
import { type RetentionPeriod, retentionMs } from '../engine/retention/retention-period';

/** What the README's configuration table says of a variable (test/unit/readme-configuration.spec.ts holds them together). */
export interface VariableDocs {
  /** The table's default column, as written there. */
  default: string;
  /** Its value is never echoed in a message nor logged. */
  secret?: boolean;
}

const DOCS = new Map<string, VariableDocs>();

/** The documented variables, in the order the schema declares them. */
export function documentedVariables(): ReadonlyMap<string, VariableDocs> {
  return DOCS;
}

/**
 * A variable of the environment: optional (unset or empty means its default), documented, and
 * checked by `rule`, whose text completes "NAME must be …".
 */
function variable(docs: VariableDocs, rule: string, validate: (value: unknown) => boolean, transform?: Parameters<typeof Transform>[0]): PropertyDecorator {
  return (target, property) => {
    DOCS.set(String(property), docs);
    IsOptional()(target, property);
    if (transform) Transform(transform)(target, property);
    ValidateBy({ name: rule, validator: { validate, defaultMessage: () => rule } })(target, property);
  };
}

const inRange = (min: number, max: number) => (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

export const WholeNumber = (docs: VariableDocs, min: number, max: number) =>
  variable(docs, `must be a whole number from ${min} to ${max}`, inRange(min, max), toInteger);

export const Milliseconds = (docs: VariableDocs, min: number, max: number) =>
  variable(docs, `must be a duration in whole milliseconds from ${min} to ${max}`, inRange(min, max), toInteger);

export const Flag = (docs: VariableDocs) => variable(docs, 'must be true or false', (value) => typeof value === 'boolean', toBoolean);

export const OneOf = (docs: VariableDocs, values: readonly string[]) =>
  variable(docs, `must be one of ${values.join(', ')}`, (value) => values.includes(value as string));

export const Matching = (docs: VariableDocs, pattern: RegExp, rule: string) =>
  variable(docs, rule, (value) => typeof value === 'string' && pattern.test(value));

/** A retention period as the engine reads it: a duration (`30 days`) or `forever`. */
export const Period = (docs: VariableDocs) =>
  variable(docs, 'must be a duration like "30 days" (at most 100 years) or "forever"', (value) => {
    try {
      return typeof value === 'string' && (retentionMs(value as RetentionPeriod, 'RETENTION_PERIOD'), true);
    } catch {
      return false;
    }
  });

export const Text = (docs: VariableDocs) => variable(docs, 'must be text', (value) => typeof value === 'string');

export const Secret = (docs: Omit<VariableDocs, 'secret'>, minLength: number) =>
  variable({ ...docs, secret: true }, `must be at least ${minLength} characters long`, (value) => typeof value === 'string' && value.length >= minLength);

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const HostAddress = (docs: VariableDocs) =>
  variable(docs, 'must be an IP address or a host name', (value) => typeof value === 'string' && (isIP(value) !== 0 || HOST_NAME.test(value)));

/** `postgres://…` with a host, or `sqlite:<path>`. */
export const DatabaseUrl = (docs: VariableDocs) =>
  variable(docs, 'must be postgres://user@host:port/database, postgresql://… or sqlite:<path>', (value) => {
    if (typeof value !== 'string') return false;
    if (/^sqlite:.+/.test(value)) return true;
    if (!/^postgres(ql)?:\/\//.test(value)) return false;
    try {
      return new URL(value).hostname !== '';
    } catch {
      return false;
    }
  });
