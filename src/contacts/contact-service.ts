/**
 * ContactService: the one way contacts are created, changed and deleted, whatever the entry point
 * (API, CLI, later import and merge). It normalises input, refuses values another live contact owns
 * (409 naming that contact), writes the change, its audit entry and its timeline event in one transaction.
 */

import { sql } from 'kysely';
import {
  type AttributeDefinitionRecord,
  AttributeDefinitionService,
} from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import type { Actor } from '../domain/actor.js';
import { normalizeAttributeValue } from '../domain/contact/attribute-value.js';
import {
  type Contact,
  type ContactState,
  emptyContactState,
  SCALAR_FIELDS,
} from '../domain/contact/contact-fields.js';
import {
  assertNewTagsPlain,
  LIST_SEPARATORS,
  applyContactPatch,
  type ContactPatch,
  diffContactStates,
  type NormalizeContext,
  normalizeContactInput,
} from '../domain/contact/contact-patch.js';
import type { ContactKeys } from '../domain/contact/identify-rule.js';
import { contactContentHash } from '../domain/contact/contact-content-hash.js';
import {
  ConflictError,
  KithError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isIsoDateOrTime } from '../domain/normalize/date.js';
import { normalizeEmail } from '../domain/normalize/email.js';
import { normalizeOnePhone, type Region } from '../domain/normalize/phone.js';
import { normalizeIdentityValue, normalizeText } from '../domain/normalize/text.js';
import { listAuditEntries } from '../history/audit-log.js';
import { appendContactEvent, appendContactEvents, listContactEvents } from '../history/contact-timeline.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import type { Queryable } from '../store/transaction.js';
import {
  type ContactListFilter,
  type ContactSort,
  type ListCursor,
  type ListPageQuery,
  PURCHASE_FACT_SORTS,
  pgSortsByCodePoint,
  queryContactPage,
  type SortKey,
  sortName,
} from './contact-list-query.js';
import { readContactChanges } from './contact-change-log.js';
import { ContactListMembersRegistry } from './contact-list-members.js';
import { loadContactsPage, loadContactsPageJson } from './contact-page-loader.js';
import { findOwnedElsewhere, loadContacts, type Ownership } from './contact-repository.js';
import { ContactEventBus } from './contact-events.js';
import { ContactReferenceRegistry } from './contact-references.js';
import { parseSearch } from './contact-search-sql.js';
import { type ContactWriteSession, ContactWriter } from './contact-writer.js';
import { identifyContact } from './identify-contact.js';
import { fieldPath } from '../domain/field-path.js';

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
  /** Purchase facts (kept by src/orders in contact_purchase_facts): orders count, total spent, last order. */
  min_orders?: string | number;
  max_orders?: string | number;
  min_total_spent?: string;
  max_total_spent?: string;
  last_order_since?: string;
  last_order_before?: string;
  /**
   * `name`, `created_at`, `updated_at`, `orders_count`, `total_spent`, `first_order_at`,
   * `last_order_at` (ascending) or with a leading `-` (descending); `relevance`.
   */
  sort?: string;
  cursor?: string;
  limit?: number;
  /** Count the matches (exact up to LIST_TOTAL_BOUND, SEARCH_TOTAL_BOUND with `q`); default true. */
  total?: boolean;
}

/** A contact as the API writes it, already serialised (see listJson). */
export interface ContactJson {
  id: string;
  json: string;
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
/**
 * How long the list keeps the attribute definitions (a change made by another process, or a
 * definition deleted, shows after at most this long; a new one at once).
 */
const ATTRIBUTE_DEFINITIONS_TTL_MS = 2000;
/** At most this many ids in one `ids` filter. */
export const MAX_LIST_IDS = 1000;

/** A conditional write: `ifMatch` is the content hash (ETag) the caller last read. */
export interface WriteCondition {
  ifMatch?: string;
}

/** One record's outcome in a bulk upsert. */
export type UpsertOutcome =
  | {
      index: number;
      outcome: 'created' | 'updated' | 'unchanged';
      id: string;
      etag: string;
      matched_by: string | null;
    }
  | { index: number; outcome: 'failed'; error: { code: string; message: string; details?: unknown } };

/** Records one bulk upsert takes. */
export const MAX_UPSERT_RECORDS = 500;

export interface UpsertResult {
  contact: Contact;
  created: boolean;
}

const SORTS = [
  'relevance',
  'name',
  'created_at',
  'updated_at',
  // Purchase facts (src/orders): customers who never bought come last in both directions.
  ...PURCHASE_FACT_SORTS,
] as const;

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
  f.search ||
  f.attributes ||
  f.initialSource ||
  f.importId ||
  f.minOrders !== undefined ||
  f.maxOrders !== undefined ||
  f.minTotalSpentCents !== undefined ||
  f.maxTotalSpentCents !== undefined ||
  f.lastOrderSince ||
  f.lastOrderBefore
    ? 'heavy'
    : 'light';

// The list filters' value checks (countParam, amountParam, isoParam) are exported for the web app's
// test (test/web/customer-filter-values.test.ts), which holds its own copy of them to the same inputs.
/**
 * The largest count and amount (in minor units) a filter compares with: the purchase facts' columns
 * (orders_count integer, total_spent_cents bigint) hold no more. A larger value filters the same (no
 * one has more, everyone has less), but PostgreSQL refused it as out of range for the column, a 500
 * (`min_orders=99999999999999999999`; `1e+22` is not even bigint text).
 */
const MAX_ORDERS_COUNT = 2_147_483_647;
const MAX_AMOUNT_CENTS = Number.MAX_SAFE_INTEGER;

export function countParam(field: string, value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ValidationError(field, value, 'is not a whole number of orders');
  return Math.min(n, MAX_ORDERS_COUNT);
}

/** A decimal amount (`100`, `100.5`, `100.50`) as minor units; never through a float. */
export function amountParam(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) throw new ValidationError(field, value, 'is not an amount (a decimal such as 100.50)');
  return Math.min(Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')), MAX_AMOUNT_CENTS);
}

export function isoParam(field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = new Date(value);
  if (!isIsoDateOrTime(value) || Number.isNaN(t.getTime()))
    throw new ValidationError(field, value, 'is not an ISO-8601 date or timestamp');
  return t.toISOString();
}

/** Contacts whose tags change in one transaction: as an import's and a tag rename's batches. */
const TAG_CHANGE_BATCH = 1000;

export class ContactService {
  /** Told after commit about every contact write, whatever path made it (automation, webhooks). */
  readonly events = new ContactEventBus();
  /** What points at a contact and moves with it in a merge (each capability registers). */
  readonly references = new ContactReferenceRegistry();
  /** What other capabilities add to each contact of the customers list (orders: purchase facts). */
  readonly listMembers = new ContactListMembersRegistry();
  /** The one way contacts are written; other capabilities' paths (import, merge …) use it too. */
  readonly writer: ContactWriter;

  constructor(
    private readonly store: Store,
    private readonly region: Region,
  ) {
    this.writer = new ContactWriter(store, this.events, this.references);
  }

  private get db() {
    return this.store.db;
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
    assertNewTagsPlain(patch.tags, []);
    return this.createFromPatch(patch, actor);
  }

  async createFromPatch(patch: ContactPatch, actor: Actor): Promise<Contact> {
    const state = applyContactPatch(emptyContactState(), patch);
    const id = newId('contact');
    await this.writeGuarded(actor, async (w, guard) => {
      await this.assertNoOwner(w.db, state, null, patch);
      Object.assign(guard, { state, exceptId: null, patch });
      await w.create([{ id, state }]);
      await appendContactEvent(w.db, { contactId: id, type: 'created', actor, at: w.at });
    });
    return this.get(id);
  }

  async update(id: string, input: unknown, actor: Actor, condition: WriteCondition = {}): Promise<Contact> {
    const patch = normalizeContactInput(input, await this.normalizeContext());
    // Only a tag with a separator needs the tags the contact holds (a legacy or synced one passes).
    if (patch.tags?.some((tag) => LIST_SEPARATORS.test(tag)))
      assertNewTagsPlain(patch.tags, (await this.get(id)).tags);
    return this.updateFromPatch(id, patch, actor, condition);
  }

  /**
   * Replaces a contact (PUT): every field the input leaves out is cleared, identities and attributes it
   * does not name are removed. Without If-Match the version read here is the condition, so a change
   * made between this read and the write is refused (412), never silently overwritten.
   */
  async replace(id: string, input: unknown, actor: Actor, condition: WriteCondition = {}): Promise<Contact> {
    const current = await this.get(id);
    const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const full: Record<string, unknown> = {};
    for (const field of [...SCALAR_FIELDS, 'email', 'phone']) full[field] = body[field] ?? null;
    for (const field of ['additional_emails', 'additional_phones', 'tags']) full[field] = body[field] ?? [];
    for (const group of ['identities', 'attributes'] as const)
      full[group] = {
        ...Object.fromEntries(Object.keys(current[group]).map((key) => [key, null])),
        ...((body[group] as Record<string, unknown> | undefined) ?? {}),
      };
    if (body.external_id !== undefined) full.external_id = body.external_id;
    const patch = normalizeContactInput(full, await this.normalizeContext());
    return this.updateFromPatch(id, patch, actor, {
      ifMatch: condition.ifMatch ?? contactContentHash(current),
    });
  }

  /**
   * Updates a contact with input made from its current state (add a tag to the tags it holds), read on
   * the locked row in the write's transaction: read outside it, a concurrent change to the same list
   * would be overwritten.
   */
  async updateFrom(id: string, inputOf: (current: Contact) => unknown, actor: Actor): Promise<Contact> {
    const context = await this.normalizeContext();
    return this.updateFromPatch(id, (current) => normalizeContactInput(inputOf(current), context), actor);
  }

  async updateFromPatch(
    id: string,
    patch: ContactPatch | ((current: Contact) => ContactPatch),
    actor: Actor,
    condition: WriteCondition = {},
  ): Promise<Contact> {
    await this.writeGuarded(actor, async (w, guard) => {
      const before = (await loadContacts(w.db, [id], { forUpdate: true })).get(id);
      if (!before) throw new NotFoundError('contact', id);
      // Checked on the locked row, in the write's transaction: no change can slip in between.
      if (condition.ifMatch !== undefined) await this.checkVersion(w.db, before, condition.ifMatch);
      const applied = typeof patch === 'function' ? patch(before) : patch;
      const after = applyContactPatch(before, applied);
      const changes = diffContactStates(before, after);
      if (changes.length === 0) return;
      await this.assertNoOwner(w.db, after, id, applied);
      Object.assign(guard, { state: after, exceptId: id, patch: applied });
      await w.update([{ before, after }]);
      await appendContactEvent(w.db, {
        contactId: id,
        type: 'updated',
        actor,
        at: w.at,
        data: { fields: changes.map((c) => c.field) },
      });
    });
    return this.get(id);
  }

  /**
   * Changes the tags of many contacts, a batch per transaction, each from its locked row (a bulk tag
   * action, a tag deleted or merged into another): each contact changed gets its change-log entry and
   * event as an edit would, at a fraction of the cost of one transaction each. A contact deleted
   * meanwhile, or whose tags come out the same, is left as it is. Returns how many changed.
   */
  async changeTags(
    ids: readonly string[],
    tagsOf: (current: Contact) => string[],
    actor: Actor,
  ): Promise<number> {
    let changed = 0;
    for (let k = 0; k < ids.length; k += TAG_CHANGE_BATCH) {
      const batch = ids.slice(k, k + TAG_CHANGE_BATCH);
      changed += await this.writer.transaction(actor, (w) => this.changeTagsIn(w, batch, tagsOf, actor));
    }
    return changed;
  }

  /** `changeTags` in the caller's write session (its transaction, its locks). */
  async changeTagsIn(
    w: ContactWriteSession,
    ids: readonly string[],
    tagsOf: (current: Contact) => string[],
    actor: Actor,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const context = await this.normalizeContext(w.db);
    const updates = [...(await loadContacts(w.db, [...ids], { forUpdate: true })).values()]
      .map((before) => ({
        before,
        after: applyContactPatch(before, normalizeContactInput({ tags: tagsOf(before) }, context)),
      }))
      .filter(({ before, after }) => diffContactStates(before, after).length > 0);
    await w.update(updates);
    await appendContactEvents(
      w.rows,
      updates.map(({ before }) => ({
        contactId: before.id,
        type: 'updated',
        actor,
        at: w.at,
        data: { fields: ['tags'] },
      })),
    );
    return updates.length;
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.writer.transaction(actor, async (w) => {
      const before = (await loadContacts(w.db, [id], { forUpdate: true })).get(id);
      if (!before) throw new NotFoundError('contact', id);
      await w.delete([before]);
      await appendContactEvent(w.db, { contactId: id, type: 'deleted', actor, at: w.at });
    });
  }

  /**
   * Finds the live contact whose `key` equals the value in `input` and updates it, or creates a new one.
   * `key` is `id`, `email`, `phone`, `external_id` or any identity type.
   */
  async upsert(key: string, input: unknown, actor: Actor): Promise<UpsertResult> {
    const ctx = await this.normalizeContext();
    const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    let rawValue: unknown;
    let rest: Record<string, unknown> = body;
    if (key === 'id') {
      rawValue = body.id;
      const { id: _id, ...others } = body;
      rest = others;
    } else if (key === 'email' || key === 'phone') {
      rawValue = body[key];
    } else {
      if (!ctx.identityTypes.has(key)) {
        throw new ValidationError('key', key, 'must be id, email, phone or a defined identity type');
      }
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
      key === 'email'
        ? normalizeEmail(rawValue)
        : key === 'phone'
          ? normalizeOnePhone(rawValue, this.region)
          : normalizeIdentityValue(rawValue);
    // The chosen key alone identifies the contact; the input's other values are checked like any update's.
    const none: ContactKeys = { id: null, identities: {}, phones: [], emails: [] };
    const keys: ContactKeys =
      key === 'id'
        ? { ...none, id: value }
        : key === 'email'
          ? { ...none, emails: [value] }
          : key === 'phone'
            ? { ...none, phones: [value] }
            : { ...none, identities: { [key]: value } };
    for (let attempt = 1; ; attempt++) {
      const identified = await identifyContact(this.db, keys);
      if (identified.kind === 'found')
        return { contact: await this.updateFromPatch(identified.contactId, patch, actor), created: false };
      // One key is refused only when it is an id no live contact has.
      if (identified.kind === 'refused') throw new NotFoundError('contact', value);
      try {
        return { contact: await this.createFromPatch(patch, actor), created: true };
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt > 1) throw e;
        // A concurrent request created the contact since we looked: it is found and updated now. A
        // conflict on another of the input's values is refused again, naming its owner.
      }
    }
  }

  /**
   * Creates or updates each record, matched through `identifyContact` by all its keys (id > identity >
   * phone > email). Each record is written on its own, so one refusal fails that record alone, with
   * its reason; the outcomes come back in the records' order.
   */
  async upsertMany(records: readonly unknown[], actor: Actor): Promise<UpsertOutcome[]> {
    if (records.length > MAX_UPSERT_RECORDS)
      throw new ValidationError('records', records.length, `must hold at most ${MAX_UPSERT_RECORDS} records`);
    const ctx = await this.normalizeContext();
    const outcomes: UpsertOutcome[] = [];
    for (const [index, record] of records.entries()) {
      try {
        if (typeof record !== 'object' || record === null || Array.isArray(record))
          throw new ValidationError(fieldPath('records', index), record, 'must be an object');
        const { id, ...rest } = record as Record<string, unknown>;
        if (id !== undefined && id !== null && typeof id !== 'string')
          throw new ValidationError('id', id, 'must be a contact id (ct_…)');
        const patch = normalizeContactInput(rest, ctx);
        const state = applyContactPatch(emptyContactState(), patch);
        const keys: ContactKeys = {
          id: typeof id === 'string' && id.trim() !== '' ? id.trim() : null,
          identities: state.identities,
          phones: [state.phone, ...state.additional_phones].filter((v): v is string => v !== null),
          emails: [state.email, ...state.additional_emails].filter((v): v is string => v !== null),
        };
        let identified = await identifyContact(this.db, keys);
        if (identified.kind === 'new') {
          try {
            const created = await this.createFromPatch(patch, actor);
            outcomes.push({
              index,
              outcome: 'created',
              id: created.id,
              etag: contactContentHash(created),
              matched_by: null,
            });
            continue;
          } catch (e) {
            if (!(e instanceof ConflictError)) throw e;
            // A concurrent request created the record's contact since we looked: match it again.
            identified = await identifyContact(this.db, keys);
            if (identified.kind === 'new') throw e;
          }
        }
        if (identified.kind === 'refused')
          throw new KithError('not_matched', identified.reason, 409, { refusal: identified.refusal });
        const before = contactContentHash(await this.get(identified.contactId));
        const after = contactContentHash(await this.updateFromPatch(identified.contactId, patch, actor));
        outcomes.push({
          index,
          outcome: before === after ? 'unchanged' : 'updated',
          id: identified.contactId,
          etag: after,
          matched_by: String(identified.matchedBy),
        });
      } catch (e) {
        if (!(e instanceof KithError)) throw e;
        outcomes.push({
          index,
          outcome: 'failed',
          error: { code: e.code, message: e.message, details: e.details },
        });
      }
    }
    return outcomes;
  }

  async list(query: ContactListQuery): Promise<ContactPage> {
    return this.readPage(query, async (db, page) => {
      const contacts = await loadContactsPage(db, page.ids);
      return page.ids.map((id) => contacts.get(id)).filter((c): c is Contact => c !== undefined);
    });
  }

  /**
   * The same page as `list`, each contact as the JSON text the API answers with, the members other
   * capabilities registered (`listMembers`: the purchase facts) after its own fields: for the customers
   * list's route, which writes them out as they are.
   */
  async listJson(query: ContactListQuery): Promise<Omit<ContactPage, 'data'> & { data: ContactJson[] }> {
    return this.readPage(
      query,
      async (db, page) => {
        // A plan that read its contacts with the page (most pages of the list) needs no second statement.
        if (page.json) return page.ids.map((id, i) => ({ id, json: page.json![i]! }));
        const contacts = await loadContactsPageJson(db, page.ids, this.listMembers.list());
        const data: ContactJson[] = [];
        for (const id of page.ids) {
          const json = contacts.get(id);
          if (json !== undefined) data.push({ id, json });
        }
        return data;
      },
      { withJson: { extra: this.listMembers.list() } },
    );
  }

  /**
   * A page of the list: its ids, cursor and total, then its contacts as `load` reads them. Every read of
   * one page runs on one connection of the filter's lane: a search's contacts are loaded where the
   * search ran, not among the pages of the plain list it must not slow down, and the read pool serves a
   * page it has begun before pages that came after it (read-pool.ts).
   */
  private async readPage<T>(
    query: ContactListQuery,
    load: (db: Queryable, page: { ids: string[]; json?: string[] }) => Promise<T[]>,
    options: { withJson?: ListPageQuery['withJson'] } = {},
  ): Promise<Omit<ContactPage, 'data'> & { data: T[] }> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ValidationError('limit', query.limit, 'must be a whole number from 1 to 500');
    }
    const filter = await this.listFilter(query);
    const sort = parseSort(query.sort, filter.search !== undefined);
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : null;
    return this.store
      .reader(readLane(filter))
      .connection()
      .execute(async (db) => {
        const result = await queryContactPage(await this.listContext(db), {
          filter,
          sort,
          cursor,
          limit,
          totalBound: query.total === false ? null : filter.search ? SEARCH_TOTAL_BOUND : LIST_TOTAL_BOUND,
          withJson: options.withJson,
        });
        return {
          data: await load(db, result),
          next_cursor: result.next ? encodeCursor(result.next) : null,
          total: result.total,
          total_is_lower_bound: result.totalIsLowerBound,
        };
      });
  }

  /** Every live contact a list query selects, ids only (for work on a whole selection). */
  async listIds(query: Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'>): Promise<string[]> {
    const filter = await this.listFilter(query);
    const sort: ContactSort = { key: 'created_at', desc: false };
    const ids: string[] = [];
    let cursor: ListCursor | null = null;
    for (;;) {
      const page = await queryContactPage(await this.listContext(this.store.reader('heavy')), {
        filter,
        sort,
        cursor,
        limit: 5_000,
        totalBound: null,
      });
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
    const page = await queryContactPage(await this.listContext(this.store.reader('heavy')), {
      filter,
      sort: { key: 'created_at', desc: false },
      cursor: null,
      limit: 1,
      totalBound: bound,
    });
    return page.totalIsLowerBound ? bound + 1 : page.total!;
  }

  private sortsByCodePoint: Promise<boolean> | null = null;

  /** What the list query runs on: `db`, and on PostgreSQL whether it sorts by code point (read once). */
  private async listContext(db: Queryable) {
    if (this.store.dialect === 'sqlite') return { db, dialect: this.store.dialect };
    this.sortsByCodePoint ??= pgSortsByCodePoint(db).catch((e: unknown) => {
      this.sortsByCodePoint = null;
      throw e;
    });
    return { db, dialect: this.store.dialect, prefixesBounded: await this.sortsByCodePoint };
  }

  /** Attribute definitions as last read, for the list's filters (see attributeFilterValue). */
  private attributeDefinitions: { readAt: number; byKey: Map<string, AttributeDefinitionRecord> } | null =
    null;

  /**
   * An attribute filter's value, normalised by its definition into the JSON the filter compares. The
   * definitions are kept for ATTRIBUTE_DEFINITIONS_TTL_MS (a list request would otherwise read them
   * each time); an unknown key or a value the kept definition refuses reads them again first, so an
   * attribute or option created a moment ago is never refused.
   */
  private async attributeFilterValue(key: string, raw: string): Promise<string> {
    const read = async () => {
      const byKey = await new AttributeDefinitionService(this.db).byKey();
      this.attributeDefinitions = { readAt: Date.now(), byKey };
      return byKey;
    };
    const kept = this.attributeDefinitions;
    const fresh = !kept || Date.now() - kept.readAt > ATTRIBUTE_DEFINITIONS_TTL_MS;
    let definitions = fresh ? await read() : kept.byKey;
    for (;;) {
      const definition = definitions.get(key);
      try {
        if (!definition)
          throw new ValidationError(`attr.${key}`, raw, `attribute ${JSON.stringify(key)} is not defined`);
        return JSON.stringify(normalizeAttributeValue(definition, raw));
      } catch (error) {
        if (definitions !== kept?.byKey || fresh) throw error;
        definitions = await read();
      }
    }
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
      minOrders: countParam('min_orders', query.min_orders),
      maxOrders: countParam('max_orders', query.max_orders),
      minTotalSpentCents: amountParam('min_total_spent', query.min_total_spent),
      maxTotalSpentCents: amountParam('max_total_spent', query.max_total_spent),
      lastOrderSince: isoParam('last_order_since', query.last_order_since),
      lastOrderBefore: isoParam('last_order_before', query.last_order_before),
    };
    // Control characters (NUL …) are never in a stored value (normalizeText drops them), nor a search term.
    const q = query.q?.replace(/\p{Cc}/gu, ' ').trim();
    if (q) {
      filter.search = parseSearch(q, this.region);
    }
    const tag = query.tag === undefined ? undefined : normalizeText(query.tag);
    if (tag) {
      // The tag and its live count in one statement (on PostgreSQL with the batches' pending deltas).
      const pending =
        this.store.dialect === 'postgres'
          ? sql`coalesce((select sum(d.delta) from tag_count_deltas d where d.tag_id = t.id), 0)`
          : sql`0`;
      const [row] = (
        await sql<{ id: string; n: number | string }>`select t.id, t.live_count + ${pending} as n
          from tags t where t.name_key = ${tag.toLowerCase()}`.execute(this.db)
      ).rows;
      filter.tagId = row?.id ?? null;
      filter.tagCount = row ? Number(row.n) : 0;
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
      filter.attributes = {};
      for (const [key, raw] of Object.entries(query.attributes))
        filter.attributes[key] = await this.attributeFilterValue(key, raw);
    }
    return filter;
  }

  /**
   * A tag was renamed (its row already holds the new name): every live contact holding it changed, so
   * each gets a change-log entry and its events, a thousand contacts per transaction.
   */
  async recordTagRenamed(tagId: string, oldName: string, actor: Actor): Promise<void> {
    for (let after = ''; ;) {
      const holders = await this.db
        .selectFrom('contact_tags')
        .innerJoin('contacts', 'contacts.id', 'contact_tags.contact_id')
        .select('contact_tags.contact_id')
        .where('contact_tags.tag_id', '=', tagId)
        .where('contacts.deleted_at', 'is', null)
        .where('contact_tags.contact_id', '>', after)
        .orderBy('contact_tags.contact_id')
        .limit(1000)
        .execute();
      if (holders.length === 0) return;
      after = holders.at(-1)!.contact_id;
      await this.writer.transaction(actor, async (w) => {
        const now = await loadContacts(
          w.db,
          holders.map((h) => h.contact_id),
          { forUpdate: true },
        );
        const name = (await w.db.selectFrom('tags').select('name').where('id', '=', tagId).executeTakeFirst())
          ?.name;
        await w.recordChanged(
          [...now.values()].map((contact) => ({
            before: { ...contact, tags: contact.tags.map((t) => (t === name ? oldName : t)) },
            after: contact,
          })),
        );
      });
    }
  }

  async timeline(id: string, page: { before?: string; limit?: number } = {}) {
    await this.getIncludingDeleted(id);
    return listContactEvents(this.db, id, { before: page.before, limit: page.limit ?? 100 });
  }

  async history(id: string, page: { before?: string; limit?: number } = {}) {
    await this.getIncludingDeleted(id);
    return listAuditEntries(this.db, 'contact', id, { before: page.before, limit: page.limit ?? 100 });
  }

  /**
   * Refuses a write whose caller read another version than the current one, naming the fields changed
   * since: those of the change-log entries after the newest one with the caller's hash.
   */
  private async checkVersion(db: Queryable, current: Contact, expected: string): Promise<void> {
    const now = contactContentHash(current);
    if (now === expected) return;
    const entries = await readContactChanges({ db: db as Store['db'] }, 0, 100_000, {
      contactId: current.id,
    });
    const at = entries.findLastIndex((e) => e.content_hash === expected);
    const changed =
      at < 0 ? null : [...new Set(entries.slice(at + 1).flatMap((e) => e.changes.map((c) => c.field)))];
    throw new PreconditionFailedError('contact', current.id, expected, now, changed);
  }

  private async getIncludingDeleted(id: string): Promise<Contact> {
    const contact = (await loadContacts(this.db, [id], { includeDeleted: true })).get(id);
    if (!contact) throw new NotFoundError('contact', id);
    return contact;
  }

  private async assertNoOwner(
    db: Queryable,
    state: ContactState,
    exceptId: string | null,
    patch: ContactPatch | null,
  ): Promise<void> {
    const owner = await findOwnedElsewhere(db, state, exceptId);
    if (owner) throw new ConflictError(inputFieldOf(owner, patch), owner.value, owner.contactId);
  }

  /**
   * Runs `work` in a contact write transaction. A unique index can still refuse a write when a concurrent writer took
   * the value between our check and our insert; that race becomes the same 409 naming the owner.
   * The owner is looked up after the transaction ended (PostgreSQL aborts it; SQLite has one connection).
   */
  private async writeGuarded(
    actor: Actor,
    work: (session: ContactWriteSession, guard: Guard) => Promise<void>,
  ): Promise<void> {
    const guard: Guard = { state: null, exceptId: null, patch: null };
    try {
      await this.writer.transaction(actor, (session) => work(session, guard));
    } catch (e) {
      if (!isUniqueViolation(e) || !guard.state) throw e;
      await this.assertNoOwner(this.db, guard.state, guard.exceptId, guard.patch);
      throw e;
    }
  }
}

interface Guard {
  state: ContactState | null;
  exceptId: string | null;
  patch: ContactPatch | null;
}

/**
 * The input field that holds an owned value, as validation names it (`additional_emails[1]`): a client
 * shows the refusal on the list the value was typed in, not on the primary e-mail or phone. The patch's
 * lists keep the input's order (only a repeated value is dropped).
 */
function inputFieldOf(owner: Ownership, patch: ContactPatch | null): string {
  const list =
    owner.field === 'email'
      ? patch?.additional_emails
      : owner.field === 'phone'
        ? patch?.additional_phones
        : null;
  const index = list?.indexOf(owner.value) ?? -1;
  return index < 0 ? owner.field : fieldPath(`additional_${owner.field}s`, index);
}
