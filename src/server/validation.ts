/**
 * How request parts are checked: fastify-type-provider-zod's validator, with a body's own fields
 * strict. A zod object drops fields it does not know, so a misspelt one (`dryrun`, `disable`) was a
 * silent no-op — or worse, the real thing instead of a dry run. Bodies declared loose (`z.looseObject`:
 * contact input, rules) check their fields themselves and keep doing so.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

function isStripObject(schema: unknown): schema is z.ZodObject {
  return schema instanceof z.ZodObject && schema._zod.def.catchall === undefined;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) =>
  zodValidatorCompiler(
    route.httpPart === 'body' && isStripObject(route.schema)
      ? { ...route, schema: route.schema.strict() }
      : route,
  );

/**
 * The fields an object of `schema` at `path` knows (the body's own, or a nested object's), for an error
 * naming a field it does not; null where the path goes through something other than objects and lists.
 */
export function knownFieldsAt(schema: unknown, path: readonly string[]): string[] | null {
  let current = schema;
  for (let i = 0; ;) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } } | null)?._zod?.def;
    if (!def) return null;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      current = def.innerType;
      continue;
    }
    if (def.type === 'pipe') {
      current = def.in;
      continue;
    }
    if (i === path.length) return current instanceof z.ZodObject ? Object.keys(current.shape) : null;
    const part = path[i++]!;
    if (current instanceof z.ZodObject) current = current.shape[part];
    else if (def.type === 'array' && /^\d+$/.test(part)) current = def.element;
    else return null;
  }
}
