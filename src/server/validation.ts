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
