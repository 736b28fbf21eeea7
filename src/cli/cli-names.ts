/**
 * What a command's argument names, found by what a user naturally types: a group or an inbox by its id
 * or its exact name (as stored, case included), a user by id or e-mail. One that names nothing, or names
 * two records (a name that is another record's id), is refused naming the argument, the value and why.
 */
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { KithServices } from '../services.js';

/** The one record of `list` whose id or exact name is `wanted`; `field` is the argument as typed. */
export function byIdOrName<T extends { id: string; name: string }>(
  list: readonly T[],
  field: string,
  wanted: string,
  entity: string,
): T {
  const found = list.filter((r) => r.id === wanted || r.name === wanted);
  if (found.length === 0) {
    const article = /^[aeiou]/.test(entity) ? 'an' : 'a';
    throw new ValidationError(field, wanted, `is not the id or name of ${article} ${entity}`);
  }
  if (found.length > 1)
    throw new ValidationError(
      field,
      wanted,
      `names more than one ${entity} (${found.map((r) => r.id).join(', ')}); give the id of the one meant`,
    );
  return found[0]!;
}

/** The id of the group named (id or name). */
export async function groupIdOf(kith: KithServices, field: string, wanted: string): Promise<string> {
  return byIdOrName(await kith.groups.list(), field, wanted, 'group').id;
}

/** The id of the inbox named (id or name). */
export async function inboxIdOf(kith: KithServices, field: string, wanted: string): Promise<string> {
  return byIdOrName(await kith.inboxes.list(), field, wanted, 'inbox').id;
}

/** The id of the user named by e-mail (any case, as sign-in takes it) or id. */
export async function userIdOf(kith: KithServices, field: string, wanted: string): Promise<string> {
  const user = wanted.includes('@')
    ? await kith.users.findByEmail(wanted).catch((e: unknown) => {
        if (e instanceof ValidationError) return null;
        throw e;
      })
    : await kith.users.get(wanted).catch((e: unknown) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
  if (!user) throw new ValidationError(field, wanted, 'is not the e-mail or id of a user');
  return user.id;
}
