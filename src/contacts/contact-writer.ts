/**
 * ContactWriter: the one way contacts are written, by every path (ContactService for the API, CLI and
 * conversations; imports and their undo; merge and unmerge; batch delete and restore). A write runs
 * in a `ContactWriteSession` on the caller's transaction: its rows go through the repository's batch
 * writers, each changed contact gets one change-log entry (kind, changed fields, actor, origin,
 * content hash) appended last, and after commit the entries are published to the ContactEventBus.
 *
 * What stays with the caller: checking that values are free (409s name the owner differently per
 * path), the timeline's own entries (they carry path-specific data such as an import's row number),
 * and what moves with a contact (ContactReferenceRegistry).
 */
import type { Actor } from '../domain/actor.js';
import { contactContentHash } from '../domain/contact/contact-content-hash.js';
import { type Contact, type ContactState, emptyContactState } from '../domain/contact/contact-fields.js';
import { diffContactStates, type FieldChange } from '../domain/contact/contact-patch.js';
import type { Store } from '../store/database.js';
import type { RowWriter } from '../store/row-writer.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  appendContactChanges,
  type ContactChangeKind,
  originOf,
  type PendingContactChange,
} from './contact-change-log.js';
import type { ContactChangeEvent, ContactEventBus } from './contact-events.js';
import type { ContactReferenceRegistry } from './contact-references.js';
import {
  insertContactsBulk,
  markContactsDeleted,
  markContactsMerged,
  markContactsRestored,
  writeContactStates,
} from './contact-repository.js';

export interface ContactUpdate {
  /** The contact as loaded for writing (locked on PostgreSQL). */
  before: Contact;
  after: ContactState;
  /** Overrides the entry's kind; a merge's survivor is `updated`, an unmerged contact `unmerged`. */
  kind?: ContactChangeKind;
  /** `diffContactStates(before, after)` when the caller has it already (an import batch). */
  changes?: FieldChange[];
}

interface Queued {
  pending: PendingContactChange;
  contact: Contact;
  before: Contact | null;
}

/** The updates that change something, each with its changes (computed unless the caller has them). */
function withChanges(updates: readonly ContactUpdate[]) {
  return updates
    .map((u) => ({ ...u, changes: u.changes ?? diffContactStates(u.before, u.after) }))
    .filter((u) => u.changes.length > 0);
}

export interface PublishOptions {
  /** False: automation rules do not run for these changes (webhooks still hear of them). */
  runAutomationRules?: boolean;
}

export class ContactWriteSession {
  private readonly queued: Queued[] = [];
  private seqs: number[] | null = null;
  /** When this session's writes happen; every row and entry it writes carries it. */
  readonly at: string;

  constructor(
    readonly db: Queryable,
    readonly actor: Actor,
    /** The store's batch writer on this session's transaction, for the caller's own rows (a timeline). */
    readonly rows: RowWriter,
    private readonly references: ContactReferenceRegistry,
    at?: string,
  ) {
    this.at = at ?? nowIso();
  }

  private get meta() {
    return { updatedAt: this.at, updatedBy: this.actor.userId };
  }

  private queue(
    kind: ContactChangeKind,
    contact: Contact,
    before: Contact | null,
    changes: FieldChange[],
    survivorId: string | null = null,
  ) {
    if (this.seqs) throw new Error('this contact write session has already finished');
    this.queued.push({
      pending: {
        contact_id: contact.id,
        kind,
        changes,
        survivor_id: survivorId,
        actor: this.actor,
        content_hash: contactContentHash(contact),
        at: this.at,
      },
      contact,
      before,
    });
  }

  /** Creates contacts (ids chosen by the caller), one `created` entry each. */
  async create(contacts: readonly { id: string; state: ContactState }[]): Promise<Contact[]> {
    await insertContactsBulk(this.db, contacts, { at: this.at, by: this.actor.userId }, this.rows);
    const empty = emptyContactState();
    return contacts.map(({ id, state }) => {
      const contact: Contact = { ...state, id, created_at: this.at, updated_at: this.at };
      this.queue('created', contact, null, diffContactStates(empty, state));
      return contact;
    });
  }

  /** Changes contacts; one entry per contact whose state differs (the rest are left alone). */
  async update(updates: readonly ContactUpdate[]): Promise<Contact[]> {
    const changed = withChanges(updates);
    await writeContactStates(
      this.db,
      changed.map((u) => ({ contactId: u.before.id, before: u.before, after: u.after })),
      this.meta,
      this.rows,
    );
    return changed.map((u) => {
      const contact = this.contactOf(u.before, u.after);
      this.queue(u.kind ?? 'updated', contact, u.before, u.changes);
      return contact;
    });
  }

  /**
   * Records changes whose rows were written once elsewhere — a tag renamed changes the name on every
   * contact holding it — and marks those contacts updated now.
   */
  async recordChanged(updates: readonly ContactUpdate[]): Promise<void> {
    const changed = withChanges(updates);
    await this.rows.update(
      'contacts',
      changed.map((u) => ({
        where: { id: u.before.id },
        set: { updated_at: this.at, updated_by: this.actor.userId },
      })),
    );
    for (const u of changed)
      this.queue(u.kind ?? 'updated', this.contactOf(u.before, u.after), u.before, u.changes);
  }

  /** Soft-deletes live contacts: `deleted` entries, or `merged_into` when they are merged away. */
  async delete(contacts: readonly Contact[], options: { mergedInto?: string } = {}): Promise<void> {
    for (let k = 0; k < contacts.length; k += 500)
      await markContactsDeleted(
        this.db,
        contacts.slice(k, k + 500).map((c) => c.id),
        this.at,
        this.actor.userId,
      );
    const survivor = options.mergedInto;
    if (survivor)
      await markContactsMerged(
        this.db,
        contacts.map((c) => c.id),
        survivor,
      );
    if (!survivor)
      await this.references.contactsDeleted(
        this.db,
        contacts.map((c) => c.id),
        this.ctx,
      );
    for (const contact of contacts) {
      if (survivor)
        this.queue(
          'merged_into',
          contact,
          contact,
          [{ field: 'merged_into', old: null, new: survivor }],
          survivor,
        );
      else this.queue('deleted', contact, contact, [{ field: 'deleted_at', old: null, new: this.at }]);
    }
  }

  /**
   * Brings soft-deleted contacts back as they were stored: `restored` (a batch deletion undone) or
   * `unmerged` (a merge undone). `deletedAt` / `mergedInto` are what the entries say was undone.
   */
  async restore(
    contacts: readonly Contact[],
    kind: 'restored' | 'unmerged',
    undone: { deletedAt?: string; mergedInto?: string },
  ): Promise<void> {
    for (let k = 0; k < contacts.length; k += 500)
      await markContactsRestored(
        this.db,
        contacts.slice(k, k + 500).map((c) => c.id),
        this.at,
        this.actor.userId,
      );
    if (kind === 'restored')
      await this.references.contactsRestored(
        this.db,
        contacts.map((c) => c.id),
        this.ctx,
      );
    const change: FieldChange =
      kind === 'unmerged'
        ? { field: 'merged_into', old: undone.mergedInto ?? null, new: null }
        : { field: 'deleted_at', old: undone.deletedAt ?? null, new: null };
    for (const contact of contacts) this.queue(kind, { ...contact, updated_at: this.at }, contact, [change]);
  }

  /**
   * Points everything registered at the merged contacts to the survivor (ContactReferenceRegistry);
   * answers what moved, by reference name, for the merge record.
   */
  moveReferencesToSurvivor(
    fromIds: readonly string[],
    survivorId: string,
    mergeId: string,
  ): Promise<Record<string, unknown>> {
    return this.references.moveToSurvivor(this.db, fromIds, survivorId, { ...this.ctx, mergeId });
  }

  /** Undoes `moveReferencesToSurvivor` from what the merge record kept. */
  moveReferencesBack(moved: Record<string, unknown>, survivorId: string): Promise<void> {
    return this.references.moveBack(this.db, moved, survivorId, this.ctx);
  }

  private get ctx() {
    return { actor: this.actor, at: this.at };
  }

  /** The contact after a write of `after` over `before`. */
  private contactOf(before: Contact, after: ContactState): Contact {
    return { ...before, ...after, id: before.id, updated_at: this.at };
  }

  /** Appends the change log: call last in the transaction (its ordering lock is held until commit). */
  async finish(): Promise<void> {
    if (this.seqs) return;
    this.seqs = await appendContactChanges(
      this.db,
      this.queued.map((q) => q.pending),
      this.rows,
    );
  }

  /** The session's changes as events; only once finished (and its transaction committed). */
  events(options: PublishOptions = {}): ContactChangeEvent[] {
    if (!this.seqs) throw new Error('a contact write session publishes only after finish()');
    return this.queued.map(({ pending, contact, before }, i) => ({
      seq: this.seqs![i]!,
      contact_id: pending.contact_id,
      kind: pending.kind,
      changes: pending.changes,
      survivor_id: pending.survivor_id,
      actor_id: pending.actor.userId,
      actor: pending.actor,
      origin: originOf(pending.actor.channel, pending.actor.channelRef ?? null),
      content_hash: pending.content_hash,
      at: pending.at,
      contact,
      before,
      runAutomationRules: options.runAutomationRules ?? true,
    }));
  }

  get size(): number {
    return this.queued.length;
  }
}

export class ContactWriter {
  constructor(
    private readonly store: Store,
    readonly events: ContactEventBus,
    readonly references: ContactReferenceRegistry,
  ) {}

  /** A session on a transaction the caller owns: call `finish()` last in it, `publish()` after commit. */
  session(trx: Queryable, actor: Actor, at?: string): ContactWriteSession {
    return new ContactWriteSession(trx, actor, this.store.rowWriter(trx), this.references, at);
  }

  /** Runs `work` in a new transaction with a session, appends its change log, commits, publishes. */
  async transaction<T>(actor: Actor, work: (session: ContactWriteSession) => Promise<T>): Promise<T> {
    let session: ContactWriteSession | null = null;
    const result = await this.store.db.transaction().execute(async (trx) => {
      session = this.session(trx, actor);
      const value = await work(session);
      await session.finish();
      return value;
    });
    await this.publish(session!);
    return result;
  }

  async publish(session: ContactWriteSession, options: PublishOptions = {}): Promise<void> {
    if (session.size > 0) await this.events.publish(session.events(options));
  }
}
