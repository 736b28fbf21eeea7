/**
 * How a pair is kept in `duplicate_pairs` (migration 0024): a queue can hold hundreds of thousands of
 * pairs, and each stored pair cost about 430 bytes with its indexes when every key was a 30-character
 * id. Now:
 * - the pair's id is an integer (the table's rowid on SQLite), handed out as `dup_<n>`; numbers are
 *   never reused, since each scan records the last one it gave (`duplicate_scans.last_pair`);
 * - its cluster is the number of the cluster's first pair (`dcl_<n>`), unique for the same reason;
 * - its scan is the scan's `seq`, and its creation time is that scan's;
 * - status and band are small integers, the score an integer in millionths (what the API showed);
 * - the contacts keep their ids, but are found through 32-bit hashes of them (`a_key`, `b_key`),
 *   whose indexes cost a third of an index of the ids themselves. A hash shared by two ids only costs
 *   a row read: queries compare the ids too.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import { contactKey } from '../store/migrations/0024-compact-duplicate-pairs.js';
import type { KithDatabase } from '../store/schema.js';

export const PAIR_STATUSES = ['open', 'not_duplicate', 'skipped', 'merged'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];
export const PAIR_BANDS = ['match', 'review'] as const;
export type PairBand = (typeof PAIR_BANDS)[number];

export const statusCode = (status: PairStatus): number => PAIR_STATUSES.indexOf(status);
export const statusOf = (code: number): PairStatus => PAIR_STATUSES[Number(code)] ?? 'open';
export const bandCode = (band: PairBand): number => PAIR_BANDS.indexOf(band);
export const bandOf = (code: number): PairBand => PAIR_BANDS[Number(code)] ?? 'review';

/** Scores are kept in millionths: the precision the queue has always shown. */
export const scoreToStored = (probability: number): number => Math.round(probability * 1e6);
export const storedToScore = (stored: number): number => Number(stored) / 1e6;
/** The least stored score at or above `score` (a filter's bound). */
export const storedAtLeast = (score: number): number => Math.ceil(score * 1e6 - 1e-6);

/** A contact id's 32-bit key (`a_key`, `b_key`); fixed by the migration that first wrote keys. */
export { contactKey };

const PAIR_ID = /^dup_([1-9][0-9]{0,14})$/;
const CLUSTER_ID = /^dcl_([1-9][0-9]{0,14})$/;

export const pairIdOf = (n: number): string => `dup_${Number(n)}`;
export const clusterIdOf = (n: number): string => `dcl_${Number(n)}`;

/** The stored number of a pair id, or undefined when the text is not one. */
export function pairNumberOf(pairId: string): number | undefined {
  const m = PAIR_ID.exec(pairId);
  return m ? Number(m[1]) : undefined;
}

export function clusterNumberOf(clusterId: string): number | undefined {
  const m = CLUSTER_ID.exec(clusterId);
  return m ? Number(m[1]) : undefined;
}

/** Pairs with one of `contactIds` on either side, through the hash indexes (the ids are compared too). */
export function involving(
  eb: ExpressionBuilder<KithDatabase, 'duplicate_pairs'>,
  contactIds: readonly string[],
) {
  const keys = [...new Set(contactIds.map(contactKey))];
  return eb.or([
    eb.and([eb('a_key', 'in', keys), eb('contact_a', 'in', contactIds)]),
    eb.and([eb('b_key', 'in', keys), eb('contact_b', 'in', contactIds)]),
  ]);
}

/** Pairs whose both contacts are among `contactIds`. */
export function among(eb: ExpressionBuilder<KithDatabase, 'duplicate_pairs'>, contactIds: readonly string[]) {
  const keys = [...new Set(contactIds.map(contactKey))];
  return eb.and([
    eb('a_key', 'in', keys),
    eb('contact_a', 'in', contactIds),
    eb('b_key', 'in', keys),
    eb('contact_b', 'in', contactIds),
  ]);
}

/**
 * `status` as a filter only: SQLite would otherwise walk the queue index `(status, …)` through every
 * open pair instead of the index of the condition that picks a few (a contact's key, a cluster). The
 * unary plus keeps the index out on SQLite and means nothing to PostgreSQL.
 */
export const statusOnly = sql<number>`+status`;
