/** Just enough of an OpenAPI schema to check an example against it. */
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
}

/**
 * Where `value` does not fit `schema` (with `$ref`s resolved in `components`): a missing required
 * field, a field the schema does not have, a wrong type, a value outside an enum. Empty: it fits.
 */
export function shapeProblems(value: unknown, schema: Schema, components: Record<string, Schema>, path = '$'): string[] {
  if (schema.$ref) return shapeProblems(value, components[schema.$ref.replace('#/components/schemas/', '')], components, path);
  if (schema.allOf) return schema.allOf.flatMap((part) => shapeProblems(value, part, components, path));
  if (value === null) return schema.nullable ? [] : [`${path}: null where the schema does not allow it`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return schema.items ? value.flatMap((item, i) => shapeProblems(item, schema.items!, components, `${path}[${i}]`)) : [];
  }
  if (schema.type === 'object' || schema.properties) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
    if (!schema.properties) return [];
    const fields = value as Record<string, unknown>;
    const missing = (schema.required ?? []).filter((name) => !(name in fields)).map((name) => `${path}.${name}: missing`);
    const extra = schema.additionalProperties ? [] : Object.keys(fields).filter((name) => !(name in schema.properties!)).map((name) => `${path}.${name}: not in the schema`);
    const inner = Object.entries(fields).flatMap(([name, field]) => (schema.properties![name] ? shapeProblems(field, schema.properties![name], components, `${path}.${name}`) : []));
    return [...missing, ...extra, ...inner];
  }
  const types: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' };
  if (schema.type && types[schema.type] && typeof value !== types[schema.type]) return [`${path}: ${typeof value} where the schema says ${schema.type}`];
  return [];
}
