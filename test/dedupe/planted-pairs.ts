/** Stored pair rows written straight into the queue by tests, in the compact form of migration 0024. */
import type { Insertable } from 'kysely';
import {
  bandCode,
  contactKey,
  type PairBand,
  type PairStatus,
  scoreToStored,
  statusCode,
} from '../../src/dedupe/stored-pairs.js';
import type { DuplicatePairsTable } from '../../src/store/schema.js';

export function plantedPair(pair: {
  id: number;
  a: string;
  b: string;
  score: number;
  band: PairBand;
  status: PairStatus;
  cluster?: number | null;
}): Insertable<DuplicatePairsTable> {
  const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a];
  return {
    id: pair.id,
    contact_a: a,
    contact_b: b,
    a_key: contactKey(a),
    b_key: contactKey(b),
    score: scoreToStored(pair.score),
    band: bandCode(pair.band),
    explanation: '[]',
    cluster: pair.cluster ?? null,
    status: statusCode(pair.status),
    // No scan: the pair shows an empty scan id and time.
    scan: 0,
    decided_at: null,
    decided_by: null,
  };
}
