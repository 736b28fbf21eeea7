import type { Kysely, Transaction } from 'kysely';
import type { KithDatabase } from './schema.js';

/** A connection or an open transaction: repository functions accept either. */
export type Queryable = Kysely<KithDatabase> | Transaction<KithDatabase>;

export function nowIso(): string {
  return new Date().toISOString();
}
