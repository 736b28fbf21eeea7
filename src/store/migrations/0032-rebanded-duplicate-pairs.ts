import type { Kysely } from 'kysely';

// From this release a pair whose own e-mails, phones or identities are wholly different is never in the
// match band (src/dedupe/model/pair-band.ts). Pairs stored before were banded by their score alone, and
// an automatic merge trusts the stored band: every open match pair goes to review (band 1) until a full
// scan bands it again. Nothing is lost: the pairs stay in the queue, and a person may merge them.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
const MATCH = 0;
const REVIEW = 1;
const OPEN = 0;

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('duplicate_pairs')
    .set({ band: REVIEW })
    .where('band', '=', MATCH)
    .where('status', '=', OPEN)
    .execute();
}

export async function down(): Promise<void> {
  // The old bands are not kept: a full scan bands the pairs again.
}
