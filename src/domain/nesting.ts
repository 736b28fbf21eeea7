/**
 * How deep a parsed JSON value nests (pure, without recursion): readers that walk values recursively
 * (zod, JSON.stringify, a document's record) refuse what nests past a bound first, instead of running
 * out of stack on a crafted input.
 */

/** True when `value` holds objects or lists nested more than `limit` levels deep. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const inner of Array.isArray(current) ? current : Object.values(current))
      if (inner !== null && typeof inner === 'object') pending.push([inner, depth + 1]);
  }
  return false;
}
