/**
 * ContactService: the one way contacts are created, changed and deleted, whatever the entry point
 * (API, CLI, later import and merge). It normalises input, refuses values another live contact owns
 * (409 naming that contact), writes the change, its audit entry and its timeline event in one transaction.
 */

import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import type { Actor } from '../domain/actor.js';
import { normalizeAttributeValue } from '../domain/contact/attribute-value.js';
import { type Contact, type ContactState, emptyContactState } from '../domain/contact/contact-fields.js';
import {
  applyContactPatch,
  type ContactPatch,
  diffContactStates,
  type NormalizeContext,
  normalizeContactInput,
} from '../domain/contact/contact-patch.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { normalizeEmail } from '../domain/normalize/email.js';
import { normalizePhone, type Region } from '../domain/normalize/phone.js';
import { normalizeText } from '../domain/normalize/text.js';
import { appendAuditEntry, listAuditEntries } from '../history/audit-log.js';
import { appendContactEvent, listContactEvents } from '../history/contact-timeline.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  type ContactListFilter,
  type ContactSort,
  type ListCursor,
  queryContactPage,
  type SortKey,
  sortName,
} from './contact-list-query.js';
import {
  type ContactKey,
  findContactIdByKey,
  findOwnedElsewhere,
  insertContactRow,
  loadContacts,
  writeContactState,
} from './contact-repository.js';
import { parseSearch } from './contact-search-sql.js';
import { pendingTagCountDelta } from './tag-counts.js';
import { softDeleteContact } from './soft-delete-contact.js';

export interface ContactListQuery {
  q?: string;
  tag?: string;
  group?: string;
  /** Import id: the contacts that import created, updated or matched. */
  import?: string;
  initial_source?: string;
  /** Raw attribute filters `key → value`, normalised against the definitions here. */
  attributes?: Record<string, string>;
  /** Contact ids (a list, or one text of comma-separated ids). */
  ids?: string | string[];
  created_since?: string;
  created_before?: string;
  updated_since?: string;
  updated_before?: string;
  /** `name`, `created_at`, `updated_at` (ascending) or with a leading `-` (descending); `relevance`. */
  sort?: string;
  cursor?: string;
  limit?: number;
  /** Count the matches (exact up to LIST_TOTAL_BOUND, SEARCH_TOTAL_BOUND with `q`); default true. */
  total?: boolean;
}

export interface ContactPage {
  data: Contact[];
  next_cursor: string | null;
  /** Matching contacts, exact up to LIST_TOTAL_BOUND (a search: SEARCH_TOTAL_BOUND); null when not asked for. */
  total: number | null;
  /** True when there are more than `total` (the bound was reached). */
  total_is_lower_bound: boolean;
}

/** Totals are exact up to this many matches; past it the list says "more than". */
export const LIST_TOTAL_BOUND = 10_000;
/**
 * A search's total is exact up to this many: each counted name match is confirmed against the
 * contact's names, and ten thousand of them cost a common name's search (joh, 王) most of its time.
 */
export const SEARCH_TOTAL_BOUND = 1_000;
/** At most this many ids in one `ids` filter. */
export const MAX_LIST_IDS = 1000;

export interface UpsertResult {
  contact: Contact;
  created: boolean;
}

const SORTS = ['relevance', 'name', 'created_at', 'updated_at'] as const;

function parseSort(raw: string | undefined, hasSearch: boolean): ContactSort {
  if (raw === undefined || raw === '') return { key: hasSearch ? 'relevance' : 'created_at', desc: false };
  const desc = raw.startsWith('-');
  const key = (desc ? raw.slice(1) : raw) as SortKey;
  if (!(SORTS as readonly string[]).includes(key))
    throw new ValidationError(
      'sort',
      raw,
      `must be one of ${SORTS.join(', ')}, each with an optional leading - for descending`,
    );
  if (key === 'relevance' && (desc || !hasSearch))
    throw new ValidationError('sort', raw, 'relevance orders a search (q) only, best matches first');
  return { key, desc };
}

const encodeCursor = (cursor: ListCursor) =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
function decodeCursor(raw: string, sort: ContactSort): ListCursor {
  let cursor: ListCursor | null = null;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ListCursor;
  } catch {
    // reported below
  }
  if (
    !cursor ||
    typeof cursor !== 'object' ||
    typeof cursor.s !== 'string' ||
    typeof cursor.p !== 'string' ||
    typeof cursor.i !== 'string' ||
    !/^ct_[0-9a-z]{26}$/i.test(cursor.i) ||
    (!['string', 'number'].includes(typeof cursor.k) && cursor.k !== null)
  )
    throw new ValidationError('cursor', raw, 'is not a cursor this API returned');
  if (cursor.s !== sortName(sort))
    throw new ValidationError(
      'cursor',
      raw,
      `belongs to sort ${cursor.s}, not ${sortName(sort)}; start again without it`,
    );
  return cursor;
}

/** Searches and filters no index serves may examine many rows: they must not hold every read thread. */
const readLane = (f: ContactListFilter) =>
  f.search || f.attributes || f.initialSource || f.importId ? 'heavy' : 'light';

function isoParam(field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new ValidationError(field, value, 'is not an ISO-8601 date or timestamp');
  return t.toISOString();
}

/** A contact created or changed through this service, after it committed. */
export interface ContactChange {
  kind: 'created' | 'updated';
  contact: Contact;
  before: Contact | null;
  actor: Actor;
}

/** Told about every ContactChange (automation rules listen). */
export interface ContactListener {
  contactChanged(change: ContactChange): Promise<void>;
}

export class ContactService {
  private readonly listeners: ContactListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly region: Region,
  ) {}

  private get db() {
    return this.store.db;
  }

  subscribe(listener: ContactListener): void {
    this.listeners.push(listener);
  }

  private async notify(change: ContactChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.contactChanged(change);
      } catch (e) {
        // The change has committed; a listener's failure is its own.
        process.stderr.write(
          `kith: a listener failed on contact ${change.contact.id}: ${(e as Error).message}\n`,
        );
      }
    }
  }

  async normalizeContext(db: Queryable = this.db): Promise<NormalizeContext> {
    const [identityTypes, attributeDefinitions] = await Promise.all([
      new IdentityTypeService(db).keys(),
      new AttributeDefinitionService(db).byKey(),
    ]);
    return { region: this.region, identityTypes, attributeDefinitions };
  }

  async get(id: string): Promise<Contact> {
    const contact = (await loadContacts(this.db, [id])).get(id);
    if (!contact) throw new NotFoundError('contact', id);
    return contact;
  }

  /**
   * Like `get`, but an id merged into another contact answers with its survivor (following merges of
   * merges), marked with `merged_from`: links other systems hold keep working.
   */
  async resolve(id: string): Promise<Contact & { merged_from?: string }> {
    let current = id;
    for (let hops = 0; hops < 20; hops++) {
      const contact = (await loadContacts(this.db, [current])).get(current);
      if (contact) return current === id ? contact : { ...contact, merged_from: id };
      const row = await this.db
        .selectFrom('contacts')
        .select('merged_into')
        .where('id', '=', current)
        .executeTakeFirst();
      if (!row?.merged_into) break;
      current = row.merged_into;
    }
    throw new NotFoundError('contact', id);
  }

  async create(input: unknown, actor: Actor): Promise<Contact> {
    const patch = normalizeContactInput(input, await this.normalizeContext());
    return this.createFromPatch(patch, actor);
  }

  async createFromPatch(patch: ContactPatch, actor: Actor): Promise<Contact> {
    const state = applyContactPatch(emptyContactState(), patch);
    const id = newId('contact');
    await this.writeGuarded(async (trx, guard) => {
      await this.assertNoOwner(trx, state, null);
      Object.assign(guard, { state, exceptId: null });
      const at = nowIso();
      await insertContactRow(trx, {
        id,
        created_at: at,
        updated_at: at,
        created_by: actor.userId,
        updated_by: actor.userId,
      });
      await writeContactState(trx, id, emptyContactState(), state, {
        updatedAt: at,
        updatedBy: actor.userId,
      });
      const changes = diffContactStates(emptyContactState(), state);
      await appendAuditEntry(trx, {
        entityType: 'contact',
        entityId: id,
        action: 'created',
        changes,
        actor,
        at,
      });
      await appendContactEvent(trx, { contactId: id, type: 'created', actor, at });
    });
    const contact = await this.get(id);
    await this.notify({ kind: 'created', contact, before: null, actor });
    return contact;
  }

  async update(id: string, input: unknown, actor: Actor): Promise<Contact> {
    const patch = normalizeContactInput(input, await this.normalizeContext());
    return this.updateFromPatch(id, patch, actor);
  }

  async updateFromPatch(id: string, patch: ContactPatch, actor: Actor): Promise<Contact> {
    let changedFrom: Contact | null = null;
    await this.writeGuarded(async (trx, guard) => {
      const before = (await loadContacts(trx, [id], { forUpdate: true })).get(id);
      if (!before) throw new NotFoundError('contact', id);
      const after = applyContactPatch(before, patch);
      const changes = diffContactStates(before, after);
      if (changes.length === 0) return;
      changedFrom = before;
      await this.assertNoOwner(trx, after, id);
      Object.assign(guard, { state: after, exceptId: id });
      const at = nowIso();
      await writeContactState(trx, id, before, after, { updatedAt: at, updatedBy: actor.userId });
      await appendAuditEntry(trx, {
        entityType: 'contact',
        entityId: id,
        action: 'updated',
        changes,
        actor,
        at,
      });
      await appendContactEvent(trx, {
        contactId: id,
        type: 'updated',
        actor,
        at,
        data: { fields: changes.map((c) => c.field) },
      });
    });
    const contact = await this.get(id);
    if (changedFrom) await this.notify({ kind: 'updated', contact, before: changedFrom, actor });
    return contact;
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = (await loadContacts(trx, [id], { forUpdate: true })).get(id);
      if (!before) throw new NotFoundError('contact', id);
      await softDeleteContact(trx, id, actor, nowIso());
    });
  }

  /**
   * Finds the live contact whose `key` equals the value in `input` and updates it, or creates a new one.
   * `key` is `id`, `email`, `phone`, `external_id` or any identity type.
   */
  async upsert(key: string, input: unknown, actor: Actor): Promise<UpsertResult> {
    const ctx = await this.normalizeContext();
    const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    let contactKey: ContactKey;
    let rawValue: unknown;
    let rest: Record<string, unknown> = body;
    if (key === 'id') {
      contactKey = 'id';
      rawValue = body.id;
      const { id: _id, ...others } = body;
      rest = others;
    } else if (key === 'email' || key === 'phone') {
      contactKey = key;
      rawValue = body[key];
    } else {
      if (!ctx.identityTypes.has(key)) {
        throw new ValidationError('key', key, 'must be id, email, phone or a defined identity type');
      }
      contactKey = `identities.${key}`;
      rawValue =
        key === 'external_id' && body.external_id !== undefined
          ? body.external_id
          : (body.identities as Record<string, unknown> | undefined)?.[key];
    }
    if (typeof rawValue !== 'string' || rawValue.trim() === '') {
      throw new ValidationError(
        key === 'id' || key === 'email' || key === 'phone' ? key : `identities.${key}`,
        rawValue ?? null,
        `is required to upsert by ${key}`,
      );
    }
    const patch = normalizeContactInput(rest, ctx);
    const value =
      contactKey === 'email'
        ? normalizeEmail(rawValue)
        : contactKey === 'phone'
          ? normalizePhone(rawValue, this.region)
          : rawValue.normalize('NFKC').trim();
    const existingId = await findContactIdByKey(this.db, contactKey, value);
    if (existingId) return { contact: await this.updateFromPatch(existingId, patch, actor), created: false };
    if (contactKey === 'id') throw new NotFoundError('contact', value);
    return { contact: await this.createFromPatch(patch, actor), created: true };
  }

  async list(query: ContactListQuery): Promise<ContactPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ValidationError('limit', query.limit, 'must be a whole number from 1 to 500');
    }
    const filter = await this.listFilter(query);
    const sort = parseSort(query.sort, filter.search !== undefined);
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : null;
    const result = await queryContactPage(
      { db: this.store.reader(readLane(filter)), dialect: this.store.dialect },
      {
        filter,
        sort,
        cursor,
        limit,
        totalBound: query.total === false ? null : filter.search ? SEARCH_TOTAL_BOUND : LIST_TOTAL_BOUND,
      },
    );
    const contacts = await loadContacts(this.store.reader('light'), result.ids);
    return {
      data: result.ids.map((id) => contacts.get(id)).filter((c): c is Contact => c !== undefined),
      next_cursor: result.next ? encodeCursor(result.next) : null,
      total: result.total,
      total_is_lower_bound: result.totalIsLowerBound,
    };
  }

  /** Every live contact a list query selects, ids only (for work on a whole selection). */
  async listIds(query: Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'>): Promise<string[]> {
    const filter = await this.listFilter(query);
    const sort: ContactSort = { key: 'created_at', desc: false };
    const ids: string[] = [];
    let cursor: ListCursor | null = null;
    for (;;) {
      const page = await queryContactPage(
        { db: this.store.reader('heavy'), dialect: this.store.dialect },
        { filter, sort, cursor, limit: 5_000, totalBound: null },
      );
      ids.push(...page.ids);
      if (!page.next) return ids;
      cursor = page.next;
    }
  }

  /** How many live contacts a list query selects, exact up to `bound` (then `bound + 1`). */
  async countUpTo(
    query: Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'>,
    bound: number,
  ): Promise<number> {
    const filter = await this.listFilter(query);
    const page = await queryContactPage(
      { db: this.store.reader('heavy'), dialect: this.store.dialect },
      { filter, sort: { key: 'created_at', desc: false }, cursor: null, limit: 1, totalBound: bound },
    );
    return page.totalIsLowerBound ? bound + 1 : page.total!;
  }

  /** A list query checked and normalised into the repository's filter (without paging). */
  private async listFilter(
    query: Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'>,
  ): Promise<ContactListFilter> {
    const filter: ContactListFilter = {
      createdSince: isoParam('created_since', query.created_since),
      createdBefore: isoParam('created_before', query.created_before),
      updatedSince: isoParam('updated_since', query.updated_since),
      updatedBefore: isoParam('updated_before', query.updated_before),
    };
    const q = query.q?.trim();
    if (q) {
      filter.search = parseSearch(q, this.region);
      filter.identityTypes = [...(await new IdentityTypeService(this.db).keys())];
    }
    const tag = query.tag === undefined ? undefined : normalizeText(query.tag);
    if (tag) {
      const row = await this.db
        .selectFrom('tags')
        .select(['id', 'live_count'])
        .where('name_key', '=', tag.toLowerCase())
        .executeTakeFirst();
      filter.tagId = row?.id ?? null;
      filter.tagCount = row ? Number(row.live_count) + (await pendingTagCountDelta(this.db, row.id)) : 0;
    }
    if (query.group) filter.groupId = query.group;
    if (query.import) filter.importId = query.import;
    const source = query.initial_source === undefined ? undefined : normalizeText(query.initial_source);
    if (source) filter.initialSource = source;
    if (query.ids !== undefined) {
      const ids = [
        ...new Set(
          (Array.isArray(query.ids) ? query.ids : [query.ids])
            .flatMap((v) => v.split(','))
            .map((v) => v.trim())
            .filter((v) => v !== ''),
        ),
      ];
      const bad = ids.find((id) => !/^ct_[0-9a-z]{26}$/i.test(id));
      if (bad !== undefined) throw new ValidationError('ids', bad, 'is not a contact id (ct_…)');
      if (ids.length > MAX_LIST_IDS)
        throw new ValidationError('ids', ids.length, `must name at most ${MAX_LIST_IDS} contacts`);
      filter.ids = ids;
    }
    if (query.attributes && Object.keys(query.attributes).length > 0) {
      const definitions = await new AttributeDefinitionService(this.db).byKey();
      filter.attributes = {};
      for (const [key, raw] of Object.entries(query.attributes)) {
        const definition = definitions.get(key);
        if (!definition)
          throw new ValidationError(`attr.${key}`, raw, `attribute ${JSON.stringify(key)} is not defined`);
        filter.attributes[key] = JSON.stringify(normalizeAttributeValue(definition, raw));
      }
    }
    return filter;
  }

  async timeline(id: string, page: { before?: string; limit?: number } = {}) {
    await this.getIncludingDeleted(id);
    return listContactEvents(this.db, id, { before: page.before, limit: page.limit ?? 100 });
  }

  async history(id: string, page: { before?: string; limit?: number } = {}) {
    await this.getIncludingDeleted(id);
    return listAuditEntries(this.db, 'contact', id, { before: page.before, limit: page.limit ?? 100 });
  }

  private async getIncludingDeleted(id: string): Promise<Contact> {
    const contact = (await loadContacts(this.db, [id], { includeDeleted: true })).get(id);
    if (!contact) throw new NotFoundError('contact', id);
    return contact;
  }

  private async assertNoOwner(db: Queryable, state: ContactState, exceptId: string | null): Promise<void> {
    const owner = await findOwnedElsewhere(db, state, exceptId);
    if (owner) throw new ConflictError(owner.field, owner.value, owner.contactId);
  }

  /**
   * Runs `work` in a transaction. A unique index can still refuse a write when a concurrent writer took
   * the value between our check and our insert; that race becomes the same 409 naming the owner.
   * The owner is looked up after the transaction ended (PostgreSQL aborts it; SQLite has one connection).
   */
  private async writeGuarded(work: (trx: Queryable, guard: Guard) => Promise<void>): Promise<void> {
    const guard: Guard = { state: null, exceptId: null };
    try {
      await this.db.transaction().execute((trx) => work(trx, guard));
    } catch (e) {
      if (!isUniqueViolation(e) || !guard.state) throw e;
      await this.assertNoOwner(this.db, guard.state, guard.exceptId);
      throw e;
    }
  }
}

interface Guard {
  state: ContactState | null;
  exceptId: string | null;
}
