/**
 * How request parts are checked: fastify-type-provider-zod's validator, with a body's own fields and a
 * query string's parameters strict. A zod object drops fields it does not know, so a misspelt one
 * (`dryrun`, `disable`, `?statuss=`) was a silent no-op — or worse, the real thing instead of a dry
 * run, or every order exported instead of the filtered ones. Parts declared loose (`z.looseObject`:
 * contact input, rules, the customers list's `attr.<key>`) check their fields themselves.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

function isStripObject(schema: unknown): schema is z.ZodObject {
  return schema instanceof z.ZodObject && schema._zod.def.catchall === undefined;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) =>
  zodValidatorCompiler(
    (route.httpPart === 'body' || route.httpPart === 'querystring') && isStripObject(route.schema)
      ? { ...route, schema: route.schema.strict() }
      : route,
  );
