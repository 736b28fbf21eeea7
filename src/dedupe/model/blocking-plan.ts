/**
 * Blocking: only records that agree on every field of at least one blocking rule are compared. Rules
 * are derived from the data when the matching rules do not give them: single fields and pairs of fields
 * are costed on a sample, and the cheapest ones that are not redundant are kept within a budget of
 * pairs proportional to the number of records. Blocks larger than `maxBlockSize` are skipped (their
 * members still meet through the other rules).
 */
import { nextWorkerMessage, startWorkerThread } from '../../store/worker-thread.js';
import { IntArrayBuilder, TypedArrayBuilder } from './int-array-builder.js';
import { IntPairCodes } from './int-pair-codes.js';
import type { PreparedRecords } from './prepared-records.js';
import { seededRandom } from './seeded-random.js';
import { StringCodes } from './string-codes.js';

export interface BlockingRule {
  /**
   * Terms that must all agree: `field` (its blocking key), `field:phonetic` (its Soundex),
   * `address:street` (house number and street) or
   * `first_name:halves` (first and last name in either order). No terms:
   * every pair (small data sets only).
   */
  fields: string[];
}

/** The fields a blocking term reads (`first_name:halves` reads both halves of the name). */
export function termFields(term: string): string[] {
  const [field, variant] = term.split(':');
  return variant === 'halves' ? [field!, 'last_name'] : [field!];
}

export interface CandidatePairs {
  a: Int32Array;
  b: Int32Array;
  /** Bit r is set when the pair agrees on blocking rule r (whichever rule produced it). */
  rulesMatched: Uint16Array;
  count: number;
  rules: BlockingRule[];
}

const SAMPLE_SIZE = 20_000;
/** At most 16 rules fit a pair's matched rules in a Uint16 mask; 12 are plenty. */
const MAX_RULES = 12;

/** Group id per record under one rule: -1 when a key part is empty or the block is oversized. */
function groupIds(
  records: PreparedRecords,
  terms: readonly string[],
  only?: Int32Array,
  into?: Int32Array,
): Int32Array {
  const n = only ? only.length : records.size;
  const ids = into ?? new Int32Array(n);
  const ofValue = terms.length === 1 ? records.blockingTermOfValue(terms[0]!) : null;
  const shared = ofValue?.field.sharedValues;
  if (ofValue && shared) {
    // Records sharing a prepared value (a name, a city) share its key: keyed once per distinct value.
    const groupOfValue = new Int32Array(shared.distinct.length).fill(-2);
    const groups = new StringCodes(shared.distinct.length);
    for (let r = 0; r < n; r++) {
      const number = shared.numbers[only ? only[r]! : r]!;
      if (number < 0) {
        ids[r] = -1;
        continue;
      }
      let id = groupOfValue[number]!;
      if (id === -2) {
        const key = ofValue.keyOf(shared.distinct[number]);
        id = key === null ? -1 : groups.codeOf(key);
        groupOfValue[number] = id;
      }
      ids[r] = id;
    }
    return ids;
  }
  const fields = terms.map((t) => records.blockingTerm(t)!);
  const groups = new StringCodes(n);
  for (let r = 0; r < n; r++) {
    const record = only ? only[r]! : r;
    let key: string | null = '';
    for (let f = 0; f < fields.length; f++) {
      const part = fields[f]!(record);
      if (part === null) {
        key = null;
        break;
      }
      key = f === 0 ? part : `${key}\u0001${part}`;
    }
    if (key === null) {
      ids[r] = -1;
      continue;
    }
    ids[r] = groups.codeOf(key);
  }
  return ids;
}

/** Codes per record under one term, numbered in order of first appearance; -1 where it has none. */
export interface TermCodes {
  codes: Int32Array;
  distinct: number;
}

/**
 * `groupIds` from each term's codes: a term shared by several rules (a birthday, a city) is keyed once
 * per scan, and rules of several terms combine numbers instead of joining strings. Numbering follows
 * first appearance, as `groupIds` does, so both give the same ids. `only`: these records (a sample).
 */
function ruleGroupIds(
  records: PreparedRecords,
  terms: readonly string[],
  cache: Map<string, TermCodes>,
  only?: Int32Array,
): Int32Array {
  const codesOf = (term: string): TermCodes => {
    let known = cache.get(term);
    if (!known) {
      const codes = groupIds(records, [term], only);
      let distinct = 0;
      for (const c of codes) if (c >= distinct) distinct = c + 1;
      known = { codes, distinct };
      cache.set(term, known);
    }
    return known;
  };
  let combined = codesOf(terms[0]!);
  for (let t = 1; t < terms.length; t++) combined = combineCodes(combined, codesOf(terms[t]!));
  // The caller marks oversized blocks in the ids: a single term's cached codes must stay as they are.
  return terms.length === 1 ? combined.codes.slice() : combined.codes;
}

/** One code per distinct (x, y) of two terms' codes, first appearance first; -1 where either is -1. */
export function combineCodes(x: TermCodes, y: TermCodes): TermCodes {
  const n = x.codes.length;
  const codes = new Int32Array(n);
  const table = new IntPairCodes(Math.min(n, x.distinct * y.distinct));
  for (let i = 0; i < n; i++) {
    const cx = x.codes[i]!;
    const cy = y.codes[i]!;
    codes[i] = cx < 0 || cy < 0 ? -1 : table.codeOf(cx, cy);
  }
  return { codes, distinct: table.size };
}

function groupSizes(ids: Int32Array): Int32Array {
  let max = -1;
  for (const id of ids) if (id > max) max = id;
  const sizes = new Int32Array(max + 1);
  for (const id of ids) if (id >= 0) sizes[id]!++;
  return sizes;
}

/** Below this many records every pair is compared: blocking would only lose pairs. */
export const COMPARE_ALL_BELOW = 300;

/** Chooses blocking rules for these records (see the module comment). */
export function deriveBlockingRules(records: PreparedRecords, maxBlockSize: number): BlockingRule[] {
  const n = records.size;
  if (n < 2) return [];
  if (n < COMPARE_ALL_BELOW) return [{ fields: [] }];
  const random = seededRandom(7);
  let sample: Int32Array | undefined;
  if (n > SAMPLE_SIZE) {
    const picked = new Set<number>();
    while (picked.size < SAMPLE_SIZE) picked.add(Math.floor(random() * n));
    sample = Int32Array.from([...picked].sort((x, y) => x - y));
  }
  const sampled = sample ? sample.length : n;
  const scale = (n * (n - 1)) / (sampled * (sampled - 1));
  const usable = records.fields
    .filter((f) => f.rule.comparator !== 'number' && f.nonEmpty >= 2)
    .flatMap((f) => [
      f.rule.field,
      ...(f.comparator.phoneticKey ? [`${f.rule.field}:phonetic`] : []),
      ...(f.comparator.streetKey ? [`${f.rule.field}:street`] : []),
      ...(f.rule.field === 'first_name' && f.swapPartner ? [`${f.rule.field}:halves`] : []),
    ]);
  const candidates: { fields: string[]; cost: number }[] = [];
  // Each term keyed once on the sample; pairs of terms combine their codes.
  const termCodes = new Map<string, TermCodes>();
  const consider = (fields: string[]) => {
    const sizes = groupSizes(ruleGroupIds(records, fields, termCodes, sample));
    let pairs = 0;
    let keyed = 0;
    let usableRecords = 0;
    for (const size of sizes) {
      keyed += size;
      if ((size * n) / sampled > maxBlockSize) continue;
      usableRecords += size;
      if (size >= 2) pairs += (size * (size - 1)) / 2;
    }
    // A rule whose records mostly sit in oversized (skipped) blocks pairs almost nobody: not worth a slot.
    if (keyed === 0 || usableRecords < keyed / 2) return;
    candidates.push({ fields, cost: pairs * scale });
  };
  for (const i of usable) consider([i]);
  for (let x = 0; x < usable.length; x++) {
    for (let y = x + 1; y < usable.length; y++) {
      const shared = termFields(usable[x]!).some((f) => termFields(usable[y]!).includes(f));
      if (!shared) consider([usable[x]!, usable[y]!]);
    }
  }
  // Single fields first (cheapest first): each catches every duplicate that agrees on it. Then pairs
  // of fields, most productive first, for fields too common to block on alone.
  candidates.sort((p, q) =>
    p.fields.length !== q.fields.length
      ? p.fields.length - q.fields.length
      : p.fields.length === 1
        ? p.cost - q.cost
        : q.cost - p.cost,
  );
  // A pair of fields is for fields too common to block on alone; one that still pairs this many
  // records is mostly one common field (a birthday with a gender), costing far more than it finds.
  const perRuleCap = 10 * n + 20_000;
  let budget = 25 * n + 50_000;
  const chosen: string[][] = [];
  for (const candidate of candidates) {
    if (chosen.length === MAX_RULES) break;
    const cap = candidate.fields.length > 1 ? perRuleCap / 2 : perRuleCap;
    if (candidate.cost > cap || candidate.cost > budget) continue;
    if (chosen.some((rule) => rule.every((f) => candidate.fields.includes(f)))) continue;
    chosen.push(candidate.fields);
    budget -= candidate.cost;
  }
  return chosen.map((fields) => ({ fields }));
}

/**
 * Every pair of records sharing a block under some rule, each pair once (attributed to the first rule
 * that produces it). With `changed`, only pairs with at least one changed record are produced.
 */
export function generateCandidatePairs(
  records: PreparedRecords,
  rules: readonly BlockingRule[],
  maxBlockSize: number,
  changed?: Uint8Array,
): CandidatePairs {
  return allPairs(blocksOfRules(records, rules, maxBlockSize), changed);
}

/** Every rule's pairs, listed on this thread. */
function allPairs(blocks: RuleBlocks, changed: Uint8Array | undefined): CandidatePairs {
  return listed(
    pairsOfRules({ ...blocks, from: 0, to: blocks.width, changed }, pairLists(blocks.size * 4 + 16, true)),
    blocks.usable,
  );
}

/** The pairs as `CandidatePairs`: views of what the builders filled. */
function listed(found: ListedPairs, rules: BlockingRule[]): CandidatePairs {
  return {
    a: found.a.view(),
    b: found.b.view(),
    rulesMatched: found.rulesMatched.view(),
    count: found.a.length,
    rules,
  };
}

/** Below this many records, a second thread costs more than it saves. */
export const THREAD_MIN_RECORDS = 100_000;

/**
 * `generateCandidatePairs` on two threads, in the same order. Each term's codes are keyed here (they
 * read the prepared values); then both threads take rules from a shared counter twice over: first to
 * number each rule's blocks into its column of `blockOf` (combining terms, dropping oversized blocks),
 * then, once every column is filled, to list each rule's pairs (a pair is checked against every other
 * rule's column). Taking rules as they come, instead of a split fixed in advance, keeps both threads
 * busy to the end: how long a rule takes depends on how many of its pairs earlier rules found already.
 */
export async function generateCandidatePairsOnThreads(
  records: PreparedRecords,
  rules: readonly BlockingRule[],
  maxBlockSize: number,
  options: { changed?: Uint8Array; threadMinRecords?: number } = {},
): Promise<CandidatePairs> {
  const changed = options.changed;
  if (records.size < (options.threadMinRecords ?? THREAD_MIN_RECORDS))
    return generateCandidatePairs(records, rules, maxBlockSize, changed);
  const usable = usableRules(records, rules);
  const { work, terms } = blockingWork(records, usable, maxBlockSize, true, changed);
  // Started first: it fills the rules whose terms are keyed while this thread keys the others.
  const worker = startWorkerThread(import.meta.url, 'list-pairs-worker', work);
  const failed = (reply: { filled?: true; error?: string }) => {
    if (reply.error !== undefined)
      throw new Error(`listing candidate pairs on a thread failed: ${reply.error}`);
  };
  // Most rules' pairs were found by earlier rules: the lists start small and grow in place.
  const own = pairLists(1 << 20, true);
  let ownSegments: [number, number, number][];
  let theirs: ListedRules & { error?: string };
  const filled = nextWorkerMessage<{ filled?: true; error?: string }>(worker, 'the blocking thread');
  let reply: Promise<ListedRules & { error?: string }> | null = null;
  try {
    keyTerms(records, terms, work);
    fillRuleColumns(work);
    // Listing reads every rule's column: the thread's rules must be filled too.
    failed(await filled);
    // Each term's codes are in the columns now (the thread holds its own references until it stops).
    work.termCodes = [];
    reply = nextWorkerMessage<ListedRules & { error?: string }>(worker, 'the blocking thread');
    worker.postMessage({ list: true });
    ownSegments = listRulePairs(work, own);
    theirs = await reply;
    failed(theirs);
  } finally {
    // Failing here stops the thread, whose exit then rejects what is still awaited: not left unhandled.
    filled.catch(() => undefined);
    reply?.catch(() => undefined);
    await worker.terminate();
  }
  return listed(inRuleOrder(own, ownSegments, theirs), usable);
}

/**
 * Both threads' pairs in rule order, as `generateCandidatePairs` gives them, in this thread's lists
 * grown in place: its own rules' pairs move up to where they belong (the last first, so none is
 * overwritten before it has moved), the thread's are copied into the gaps. No second copy of the
 * whole list where the lists grow in place (growable buffers; elsewhere they double): on this machine
 * each fresh page of memory costs about 10 µs to fault in.
 */
export function inRuleOrder(
  own: ListedPairs,
  ownSegments: readonly [number, number, number][],
  theirs: ListedRules,
): ListedPairs {
  const start = new Map<number, number>();
  const all = [
    ...ownSegments.map(([rule, from, n]) => ({ rule, from, n, mine: true })),
    ...theirs.segments.map(([rule, from, n]) => ({ rule, from, n, mine: false })),
  ].sort((x, y) => x.rule - y.rule);
  let at = 0;
  for (const segment of all) {
    start.set(segment.rule, at);
    at += segment.n;
  }
  const lists = [
    [own.a, theirs.a],
    [own.b, theirs.b],
    [own.rulesMatched, theirs.rulesMatched],
  ] as const;
  for (const [mine, other] of lists) {
    mine.resize(at);
    const values = mine.view();
    for (let k = all.length - 1; k >= 0; k--) {
      const { rule, from, n } = all[k]!;
      if (all[k]!.mine) values.copyWithin(start.get(rule)!, from, from + n);
    }
    for (const { rule, from, n, mine: isMine } of all) {
      if (!isMine) values.set(other.subarray(from, from + n), start.get(rule)!);
    }
  }
  return own;
}

/** The rules whose every term names a compared field. */
function usableRules(records: PreparedRecords, rules: readonly BlockingRule[]): BlockingRule[] {
  return rules.filter((rule) => rule.fields.every((t) => records.blockingTerm(t) !== null));
}

/** The terms of the rules, each once in order of first use, and each rule's terms as indexes into them. */
function planTerms(usable: readonly BlockingRule[]): { terms: string[]; ruleTerms: number[][] } {
  const terms: string[] = [];
  const ruleTerms = usable.map((rule) =>
    rule.fields.map((term) => {
      const known = terms.indexOf(term);
      return known >= 0 ? known : terms.push(term) - 1;
    }),
  );
  return { terms, ruleTerms };
}

/** The work of blocking these rules, the terms not keyed yet; on shared memory for a second thread. */
export function blockingWork(
  records: PreparedRecords,
  usable: readonly BlockingRule[],
  maxBlockSize: number,
  shared: boolean,
  changed?: Uint8Array,
): { work: BlockingWork; terms: string[] } {
  const ints = (length: number) =>
    new Int32Array(shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
  const { terms, ruleTerms } = planTerms(usable);
  const work: BlockingWork = {
    termCodes: terms.map(() => ints(records.size)),
    termDistinct: ints(terms.length).fill(-1),
    ruleTerms,
    // Every entry is written when its rule's column is filled.
    blockOf: ints(records.size * usable.length),
    width: usable.length,
    size: records.size,
    maxBlockSize,
    changed,
    next: ints(2),
  };
  return { work, terms };
}

/** Keys every term (they read the prepared values, so only here), each announced as soon as it is ready. */
export function keyTerms(records: PreparedRecords, terms: readonly string[], work: BlockingWork): void {
  terms.forEach((term, k) => {
    const codes = groupIds(records, [term], undefined, work.termCodes[k]);
    let distinct = 0;
    for (const c of codes) if (c >= distinct) distinct = c + 1;
    Atomics.store(work.termDistinct, k, distinct);
    Atomics.notify(work.termDistinct, k);
  });
}

/** Term `k`'s codes, once keyed: the other thread waits here for the terms its rule needs. */
function keyedTerm(work: BlockingWork, k: number): TermCodes {
  for (;;) {
    const distinct = Atomics.load(work.termDistinct, k);
    if (distinct >= 0) return { codes: work.termCodes[k]!, distinct };
    // A bounded wait: a thread being stopped is not left waiting for a term that never comes.
    Atomics.wait(work.termDistinct, k, -1, 100);
  }
}

/** What both threads work on while blocking: the terms' codes, the rules' columns, the shared counters. */
export interface BlockingWork {
  /** Each term's code per record (-1: none), numbered in order of first appearance. */
  termCodes: Int32Array[];
  /** Each term's number of distinct codes; -1 until the term is keyed. */
  termDistinct: Int32Array;
  /** Each usable rule's terms, as indexes into `termCodes`. */
  ruleTerms: number[][];
  /** Each record's block under every usable rule, side by side: `blockOf[record * width + rule]`, -1 for none. */
  blockOf: Int32Array;
  width: number;
  size: number;
  maxBlockSize: number;
  changed?: Uint8Array;
  /** The next rule to fill, the next rule to list. */
  next: Int32Array;
}

/** The pairs a thread listed, rule after rule, and where each rule's pairs are in them. */
export interface ListedRules {
  a: Int32Array;
  b: Int32Array;
  rulesMatched: Uint16Array;
  /** [rule, first pair, pairs], in the order listed (ascending rules). */
  segments: [number, number, number][];
}

/** Fills rules' columns of `blockOf` until none is left to take. */
export function fillRuleColumns(work: BlockingWork): void {
  for (;;) {
    const r = Atomics.add(work.next, 0, 1);
    if (r >= work.width) return;
    fillRuleColumn(work, r);
  }
}

/**
 * Lists rules' pairs into `into` until none is left to take (every column filled first), and says
 * where each rule's pairs start. A thread takes rules in ascending order.
 */
export function listRulePairs(work: BlockingWork, into: ListedPairs): [number, number, number][] {
  const segments: [number, number, number][] = [];
  for (;;) {
    const r = Atomics.add(work.next, 1, 1);
    if (r >= work.width) return segments;
    const start = into.a.length;
    pairsOfRules({ ...work, from: r, to: r + 1 }, into);
    segments.push([r, start, into.a.length - start]);
  }
}

/** Growing lists of pairs: `a` and `b` on shared memory when a compare thread is to read them in place. */
export function pairLists(capacity: number, shared: boolean): ListedPairs {
  return {
    a: new IntArrayBuilder(capacity, shared),
    b: new IntArrayBuilder(capacity, shared),
    rulesMatched: new TypedArrayBuilder(Uint16Array, capacity),
  };
}

/** Rule `r`'s blocks into its column: its terms' codes combined; oversized blocks dropped for good. */
function fillRuleColumn(work: BlockingWork, r: number): void {
  const { blockOf, width, size, maxBlockSize } = work;
  const terms = work.ruleTerms[r]!;
  // No terms: every record in one block (small data sets only).
  let combined: TermCodes =
    terms.length === 0 ? { codes: new Int32Array(size), distinct: 1 } : keyedTerm(work, terms[0]!);
  for (let t = 1; t < terms.length; t++) combined = combineCodes(combined, keyedTerm(work, terms[t]!));
  const ids = combined.codes;
  const sizes = groupSizes(ids);
  // Later rules do not treat a dropped block as compared already.
  for (let i = 0; i < size; i++) {
    const id = ids[i]!;
    blockOf[i * width + r] = id >= 0 && sizes[id]! > maxBlockSize ? -1 : id;
  }
}

/** Each record's block under every usable rule, side by side (see `BlockingWork`), on this thread. */
interface RuleBlocks {
  blockOf: Int32Array;
  width: number;
  size: number;
  usable: BlockingRule[];
}

function blocksOfRules(
  records: PreparedRecords,
  rules: readonly BlockingRule[],
  maxBlockSize: number,
): RuleBlocks {
  const usable = usableRules(records, rules);
  // Side by side: checking a pair against the earlier rules reads two short rows instead of two
  // scattered entries per rule (cache misses dominate here).
  const { work, terms } = blockingWork(records, usable, maxBlockSize, false);
  keyTerms(records, terms, work);
  // Every rule's blocks first: a pair's matched rules (its mask) include the later rules.
  for (let r = 0; r < work.width; r++) fillRuleColumn(work, r);
  return { blockOf: work.blockOf, width: work.width, size: records.size, usable };
}

function ruleColumn(blockOf: Int32Array, width: number, size: number, r: number): Int32Array {
  const ids = new Int32Array(size);
  for (let i = 0; i < size; i++) ids[i] = blockOf[i * width + r]!;
  return ids;
}

/** What one thread lists: the pairs of rules `from` to `to` (exclusive). */
interface ListPairsTask {
  blockOf: Int32Array;
  width: number;
  size: number;
  from: number;
  to: number;
  changed?: Uint8Array;
}

interface ListedPairs {
  a: IntArrayBuilder;
  b: IntArrayBuilder;
  rulesMatched: TypedArrayBuilder<Uint16Array>;
}

/**
 * The pairs of rules `from` to `to`. Only `a` and `b` go on shared memory (the compare thread reads
 * them); the rules matched are read by training, on this thread alone.
 */
function pairsOfRules(
  { blockOf, width, size, from, to, changed }: ListPairsTask,
  into: ListedPairs,
): ListedPairs {
  const { a, b, rulesMatched: matched } = into;
  for (let r = from; r < to; r++) {
    const ids = ruleColumn(blockOf, width, size, r);
    const sizes = groupSizes(ids);
    // Members of each block, contiguous (counting sort by group id).
    const offsets = new Int32Array(sizes.length + 1);
    for (let g = 0; g < sizes.length; g++) offsets[g + 1] = offsets[g]! + sizes[g]!;
    const cursor = offsets.slice(0, sizes.length);
    const members = new Int32Array(offsets[sizes.length]!);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= 0) members[cursor[id]!++] = i;
    }
    for (let g = 0; g < sizes.length; g++) {
      const start = offsets[g]!;
      const end = offsets[g + 1]!;
      for (let x = start; x < end; x++) {
        const i = members[x]!;
        const rowI = i * width;
        for (let y = x + 1; y < end; y++) {
          const j = members[y]!;
          if (changed && changed[i] === 0 && changed[j] === 0) continue;
          const rowJ = j * width;
          let seen = false;
          for (let s = 0; s < r; s++) {
            const gi = blockOf[rowI + s]!;
            if (gi >= 0 && gi === blockOf[rowJ + s]) {
              seen = true;
              break;
            }
          }
          if (seen) continue;
          a.push(i);
          b.push(j);
          // The later rules it also agrees on, while both rows are at hand (the earlier ones: none).
          let mask = 1 << r;
          for (let s = r + 1; s < width; s++) {
            const gi = blockOf[rowI + s]!;
            if (gi >= 0 && gi === blockOf[rowJ + s]) mask |= 1 << s;
          }
          matched.push(mask);
        }
      }
    }
  }
  return { a, b, rulesMatched: matched };
}
