import { ConflictError } from '../domain/errors.js';
import type { Queryable } from './transaction.js';

/**
 * The 409 for a name its table's unique `name_key` (lower-cased name) refused, naming the record that
 * holds it. Looked up after the failed write, so it may be gone again: then the id is empty.
 */
export async function nameConflict(
  db: Queryable,
  table: 'contact_groups' | 'inboxes' | 'teams',
  name: string,
  entity: string,
): Promise<ConflictError> {
  const holder = await db
    .selectFrom(table)
    .select('id')
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return new ConflictError('name', name, holder?.id ?? '', entity);
}
