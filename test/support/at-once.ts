/**
 * The same request sent several times at once (a double click, a retried request, two administrators),
 * for tests that an action happens once however often it arrives.
 */
import type { Kysely } from 'kysely';
import type { KithDatabase } from '../../src/store/schema.js';

/** `send` started `times` times without waiting; the answers' statuses, sorted. */
export async function statusesAtOnce(send: () => Promise<{ status: number }>, times = 5): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: times }, () => send()));
  return answers.map((a) => a.status).sort();
}

/** How many audit entries record `action` on the entity: one action, one entry. */
export async function auditEntries(
  db: Kysely<KithDatabase>,
  entityId: string,
  action: string,
): Promise<number> {
  const rows = await db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', entityId)
    .where('action', '=', action)
    .execute();
  return rows.length;
}
