/**
 * Members another capability adds to each contact of the customers list (orders: the purchase facts),
 * registered with the contacts capability as the references are. The list's statements write them into
 * each contact's JSON, so a page is answered by its own statement, not by one statement per capability;
 * the contacts capability holds none of their SQL.
 */
import type { RawBuilder } from 'kysely';
import type { Dialect } from '../store/sql-dialect.js';

export interface ContactListMembers {
  /** Names the members, for the registry (`purchase_facts`). */
  readonly name: string;
  /**
   * `left join …` clauses over the contact row `c`, with aliases of the capability's own name, and the
   * members as `'key', value` pairs in the order the API writes them. Neither takes a parameter: the
   * statement they join is compiled once and reused.
   */
  sql(dialect: Dialect): { join: RawBuilder<unknown>; members: RawBuilder<unknown> };
}

export class ContactListMembersRegistry {
  private readonly members: ContactListMembers[] = [];

  register(members: ContactListMembers): void {
    if (this.members.some((m) => m.name === members.name))
      throw new Error(`contact list members named ${members.name} are already registered`);
    this.members.push(members);
  }

  list(): readonly ContactListMembers[] {
    return this.members;
  }
}
