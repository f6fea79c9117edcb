/**
 * class-transformer `@Transform` helpers for text that should be a boolean or an integer
 * (query strings, environment variables). Anything else is passed on unchanged so that the
 * validator rejects it with a clear message instead of it being silently coerced.
 */
export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
