/**
 * The same request sent several times at once (a double click, a retried request, two administrators),
 * for tests that an action happens once however often it arrives.
 */
import type { Kysely } from 'kysely';
import type { KithDatabase } from '../../src/store/schema.js';

/** `send` started `times` times without waiting; the answers, in the order they were sent. */
export async function answersAtOnce<T>(send: () => Promise<T>, times = 5): Promise<T[]> {
  return Promise.all(Array.from({ length: times }, () => send()));
}

/** `send` started `times` times without waiting; the answers' statuses, sorted. */
export async function statusesAtOnce(send: () => Promise<{ status: number }>, times = 5): Promise<number[]> {
  return (await answersAtOnce(send, times)).map((a) => a.status).sort();
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
