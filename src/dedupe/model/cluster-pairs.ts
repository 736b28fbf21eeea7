/**
 * Coherent clusters. Match pairs are taken strongest first, as links between groups of records; two
 * groups are joined only when they belong together as a whole, not through the one pair that links
 * them: every pair between them is scored (on demand where blocking never compared it), and
 *
 * - their pairs' average match weight (log2 odds) must reach the match threshold: together they are
 *   as sure as a match pair, while one record short of data (no date, an initial) may still join;
 * - no pair between them may fall far below the review threshold (`VETO_BITS`), nor be one `vetoes`
 *   names (two customers whose phones differ: see pair-band.ts).
 *
 * Chains of individually plausible pairs ("J Smith" 1851 ~ "John Smith" ~ "John Smith" 1862) therefore
 * stop where the ends disagree, so a cluster's pairs are about as precise as the match band's. Each
 * cluster keeps its weakest internal pair, which decides whether it may be merged automatically
 * (only when it, and so every pair, is in the match band) and which a reviewer is shown.
 */
export interface ScoredLink {
  a: number;
  b: number;
  /** Match weight (log2 odds). */
  weight: number;
}

export interface CoherentCluster {
  /** Record indexes, ascending. */
  members: number[];
  /** The lowest-scored pair inside the cluster (a < b). */
  weakest: ScoredLink;
}

export interface ClusterOptions {
  /** Match weight of any two records, scored on demand when blocking did not compare them. */
  pairWeight: (a: number, b: number) => number;
  /** Two records that may never be in one cluster, whatever their weight (identifiers that differ). */
  vetoes?: (a: number, b: number) => boolean;
  /** The bands' thresholds as match weights. */
  matchWeight: number;
  reviewWeight: number;
  maxSize?: number;
}

export const MAX_CLUSTER_SIZE = 100;
/**
 * No pair inside a cluster may be this many bits (2^6 = 64 times less likely) below the review
 * threshold: a pair the model all but rules out vetoes the join however strong the rest.
 */
export const VETO_BITS = 6;
/**
 * A pair counts at most this many bits above the match threshold in the average: certainty about
 * one pair does not make up for doubt about another.
 */
export const CAP_BITS = 10;

interface Group {
  members: number[];
  weakest: ScoredLink;
}

export function clusterMatchPairs(links: readonly ScoredLink[], options: ClusterOptions): CoherentCluster[] {
  const maxSize = options.maxSize ?? MAX_CLUSTER_SIZE;
  const groupOf = new Map<number, Group>();
  const groupFor = (x: number): Group => {
    let group = groupOf.get(x);
    if (!group) {
      group = { members: [x], weakest: { a: x, b: x, weight: Number.POSITIVE_INFINITY } };
      groupOf.set(x, group);
    }
    return group;
  };
  // Two groups refused once are refused again until either grows (sizes identify their state).
  const refused = new Set<string>();
  const ordered = [...links].sort((p, q) => q.weight - p.weight);
  for (const link of ordered) {
    const groupA = groupFor(link.a);
    const groupB = groupFor(link.b);
    if (groupA === groupB) continue;
    const size = groupA.members.length + groupB.members.length;
    if (size > maxSize) continue;
    const key = `${groupA.members[0]}/${groupA.members.length} ${groupB.members[0]}/${groupB.members.length}`;
    if (refused.has(key)) continue;
    const weakest = coherentJoin(groupA, groupB, link, options);
    if (!weakest) {
      refused.add(key);
      continue;
    }
    const [big, small] = groupA.members.length >= groupB.members.length ? [groupA, groupB] : [groupB, groupA];
    for (const x of small.members) {
      big.members.push(x);
      groupOf.set(x, big);
    }
    big.weakest = [groupA.weakest, groupB.weakest, weakest].reduce((w, v) => (v.weight < w.weight ? v : w));
  }
  const clusters: CoherentCluster[] = [];
  for (const [x, group] of groupOf) {
    if (group.members.length < 2 || group.members[0] !== x) continue;
    clusters.push({ members: [...group.members].sort((p, q) => p - q), weakest: group.weakest });
  }
  return clusters;
}

/** The weakest pair between the groups when they may be joined, else null. */
function coherentJoin(
  groupA: Group,
  groupB: Group,
  link: ScoredLink,
  options: ClusterOptions,
): ScoredLink | null {
  const pairs = groupA.members.length * groupB.members.length;
  if (pairs === 1) return ordered(link);
  let weakest = link;
  let sum = 0;
  for (const a of groupA.members) {
    for (const b of groupB.members) {
      const given = a === link.a && b === link.b;
      if (!given && options.vetoes?.(a, b)) return null;
      const weight = given ? link.weight : options.pairWeight(a, b);
      if (weight < options.reviewWeight - VETO_BITS) return null;
      if (weight < weakest.weight) weakest = { a, b, weight };
      sum += Math.min(weight, options.matchWeight + CAP_BITS);
    }
  }
  return sum / pairs >= options.matchWeight ? ordered(weakest) : null;
}

function ordered(link: ScoredLink): ScoredLink {
  return link.a < link.b ? link : { a: link.b, b: link.a, weight: link.weight };
}
