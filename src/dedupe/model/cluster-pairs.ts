/**
 * Clusters are connected components of `match` pairs, built strongest pair first. Two groups are not
 * joined when any pair between them was compared and scored below the review threshold: one weak link
 * (a shared phone typo, a common name) must not chain unrelated people into one cluster.
 */
export interface ScoredLink {
  a: number;
  b: number;
  probability: number;
}

export const MAX_CLUSTER_SIZE = 100;

export function clusterMatchPairs(
  links: readonly ScoredLink[],
  /** Whether records a and b were compared and scored below the review threshold. */
  weakLink: (a: number, b: number) => boolean,
): number[][] {
  const parent = new Map<number, number>();
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (x: number) => {
    if (!parent.has(x)) {
      parent.set(x, x);
      members.set(x, [x]);
    }
  };
  const ordered = [...links].sort((p, q) => q.probability - p.probability);
  for (const link of ordered) {
    add(link.a);
    add(link.b);
    const rootA = find(link.a);
    const rootB = find(link.b);
    if (rootA === rootB) continue;
    const groupA = members.get(rootA)!;
    const groupB = members.get(rootB)!;
    if (groupA.length + groupB.length > MAX_CLUSTER_SIZE) continue;
    if (contradicted(groupA, groupB, weakLink)) continue;
    const [big, small, bigRoot, smallRoot] =
      groupA.length >= groupB.length ? [groupA, groupB, rootA, rootB] : [groupB, groupA, rootB, rootA];
    parent.set(smallRoot, bigRoot);
    big.push(...small);
    members.delete(smallRoot);
  }
  return [...members.values()].filter((g) => g.length > 1).map((g) => g.sort((x, y) => x - y));
}

function contradicted(
  groupA: readonly number[],
  groupB: readonly number[],
  weakLink: (a: number, b: number) => boolean,
): boolean {
  if (groupA.length === 1 && groupB.length === 1) return false;
  for (const a of groupA) for (const b of groupB) if (weakLink(a, b)) return true;
  return false;
}
