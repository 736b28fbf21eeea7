/**
 * How an error names a field inside the input: object keys joined by dots, a list's positions in
 * brackets — `actions[0].to[1]`, `conditions.all[2].value`, `options.tags[0]`, `rules.blocking[0][1]`.
 * One notation for every error (zod's paths and hand-written checks alike), the one the web app keys
 * its inputs by. A key that is text stays a key, even when it reads as a number (`mapping.0`, a column
 * named "0"); only a list's position is a number.
 */

/** A step into the input: a key (text), or a position in a list (a number). */
export type FieldPathPart = string | number | symbol;

/**
 * The path of `parts` as errors name it. A text part may itself be a path already named
 * (`fieldPath('conditions.all[0]', 'value')`); empty text parts are skipped, so an empty prefix adds
 * nothing.
 */
export function fieldPath(...parts: readonly FieldPathPart[]): string {
  let path = '';
  for (const part of parts) {
    if (typeof part === 'number') path += `[${part}]`;
    else {
      const key = String(part);
      if (key !== '') path += path === '' ? key : `.${key}`;
    }
  }
  return path;
}

/**
 * The parts of a path given as text keys only (a JSON pointer's `/actions/0/to`), with each step into a
 * list of `input` made a position: whether `0` is a position or a key is known only from the value.
 */
export function pathPartsIn(input: unknown, keys: readonly string[]): FieldPathPart[] {
  let current = input;
  return keys.map((key) => {
    const inList = Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key);
    current =
      current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    return inList ? Number(key) : key;
  });
}
