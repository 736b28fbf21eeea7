import { z } from 'zod';
import { ValidationError, ValidationErrors } from './errors.js';
import { fieldPath } from './field-path.js';

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

export type Issue = z.core.$ZodIssue;

/** How much of the input a union's branch refused: each key it did not know, each other issue. */
function costOf(issues: readonly Issue[]): number {
  let cost = 0;
  for (const issue of issues)
    cost +=
      issue.code === 'unrecognized_keys'
        ? issue.keys.length
        : issue.code === 'invalid_union' && issue.errors.length > 0
          ? Math.min(...(issue.errors as Issue[][]).map(costOf))
          : 1;
  return cost;
}

/** How far into the input a branch got (a nested union counts as a level further). */
function depthOf(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
}

/**
 * A union's "Invalid input" names nothing: its issues are those of the branch the input came closest
 * to (the fewest refused parts, then the deepest), with their paths under the union's. Other issues
 * as they are.
 */
export function flatIssues(issues: readonly Issue[], base: readonly PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    const path = [...base, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const best = (issue.errors as Issue[][]).reduce((a, b) => {
      const [ca, cb] = [costOf(a), costOf(b)];
      return cb < ca || (cb === ca && depthOf(b) > depthOf(a)) ? b : a;
    });
    return flatIssues(best, path);
  });
}

/** zod's words for a missing value, as Kith says it. */
function reasonOf(issue: Issue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return 'is required';
  return issue.message.replace(/^Invalid input: /, '');
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
  const name = (path: readonly PropertyKey[]) => fieldPath(prefix, ...path) || 'body';
  return new ValidationErrors(
    flatIssues(error.issues).flatMap((issue) => {
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
      const value = valueAt(input, issue.path);
      return [new ValidationError(name(issue.path), value ?? null, reasonOf(issue, value))];
    }),
  );
}
