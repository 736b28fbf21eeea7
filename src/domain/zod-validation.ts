import { z } from 'zod';
import { ValidationError, ValidationErrors } from './errors.js';

/**
 * The fields an object of `schema` at `path` knows (the input's own, or a nested object's), for an error
 * naming a field it does not; null where the path goes through something other than objects and lists.
 */
export function knownFieldsAt(schema: unknown, path: readonly PropertyKey[]): string[] | null {
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
    const part = String(path[i++]);
    if (current instanceof z.ZodObject) current = current.shape[part];
    else if (def.type === 'array' && /^\d+$/.test(part)) current = def.element;
    else return null;
  }
}

/** Why a field was refused that the input should not have sent, with the ones it may when known. */
export function unknownFieldReason(
  known: readonly string[] | null,
  noun: 'field' | 'parameter' = 'field',
): string {
  return known ? `is not a ${noun} here; the ${noun}s are ${known.join(', ')}` : `is not a ${noun} here`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

/**
 * Turns zod issues into Kith's validation errors, each naming the path, the value and the reason; a
 * field the input should not have sent is named itself (with the fields there are, given the schema).
 */
export function toValidationErrors(
  prefix: string,
  input: unknown,
  error: z.ZodError,
  schema?: z.ZodType,
): ValidationErrors {
  const name = (path: readonly PropertyKey[]) =>
    [prefix, ...path.map(String)].filter((p) => p !== '').join('.') || prefix || 'body';
  return new ValidationErrors(
    error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const reason = unknownFieldReason(schema ? knownFieldsAt(schema, issue.path) : null);
        return issue.keys.map(
          (key) =>
            new ValidationError(
              name([...issue.path, key]),
              valueAt(input, [...issue.path, key]) ?? null,
              reason,
            ),
        );
      }
      return [new ValidationError(name(issue.path), valueAt(input, issue.path) ?? null, issue.message)];
    }),
  );
}
