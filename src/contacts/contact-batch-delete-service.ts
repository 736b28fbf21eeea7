/**
 * ContactBatchDeleteService deletes many contacts at once, safely: the selection (ids or a list filter)
 * is counted and must be confirmed with exactly that count, a backup of every selected contact is
 * written and flushed before anything is deleted (kept under KITH_DATA_DIR/backups, downloadable), the
 * deletion is a soft delete in one transaction, and `restore` brings the contacts back, with their
 * identities, within the retention period.
 */
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../domain/actor.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { appendContactEvent } from '../history/contact-timeline.js';
import type { Store } from '../store/database.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/private-files.js';
import { nowIso } from '../store/transaction.js';
import { findOwnedElsewhere, loadContacts } from './contact-repository.js';
import type { ContactListQuery, ContactService } from './contact-service.js';

export type DeletionSelection = { ids: string[] } | { filter: Omit<ContactListQuery, 'cursor' | 'limit'> };

/**
 * A filter's condition that selects nothing narrower than everyone: absent, blank text (a space, a
 * control character), or an empty list or object (`attributes: {}`).
 */
function isBlankCondition(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.replace(/\p{Cc}/gu, '').trim() === '';
  if (Array.isArray(value)) return value.every(isBlankCondition);
  if (typeof value === 'object') return Object.values(value).every(isBlankCondition);
  return false;
}

export interface ContactDeletion {
  id: string;
  count: number;
  selection: DeletionSelection;
  /** The backup's file name; the server's folders stay out of answers (download it by the deletion id). */
  backup_file: string;
  created_by: string | null;
  created_at: string;
  restore_until: string;
  restored_at: string | null;
}

const CHUNK = 500;

/** How old a backup with no deletion must be before it counts as left behind (six hours). */
export const ORPHAN_BACKUP_AGE_MS = 6 * 3_600_000;

export class ContactBatchDeleteService {
  constructor(
    private readonly store: Store,
    private readonly contacts: ContactService,
    private readonly backupDir: string,
    private readonly retentionDays: number,
  ) {}

  private get db() {
    return this.store.db;
  }

  /**
   * Removes backups no deletion owns, written longer ago than `olderThanMs`: a process stopped between
   * writing a backup and committing its deletion (killed, out of memory) left a full copy of the
   * selected customers that nothing lists, restores or prunes. A deletion commits within minutes of its
   * backup, so one hours old with no row is an orphan. Returns how many were removed.
   */
  async removeOrphanBackups(olderThanMs = ORPHAN_BACKUP_AGE_MS, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.backupDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
    const candidates: { id: string; file: string }[] = [];
    for (const name of names) {
      const m = /^(del_[0-9a-z]+)\.ndjson$/.exec(name);
      if (!m) continue;
      const file = path.join(this.backupDir, name);
      const info = await stat(file).catch(() => null);
      if (info?.isFile() && now - info.mtimeMs > olderThanMs) candidates.push({ id: m[1]!, file });
    }
    let removed = 0;
    for (let k = 0; k < candidates.length; k += CHUNK) {
      const chunk = candidates.slice(k, k + CHUNK);
      const owned = new Set(
        (
          await this.db
            .selectFrom('contact_deletions')
            .select('id')
            .where(
              'id',
              'in',
              chunk.map((c) => c.id),
            )
            .execute()
        ).map((r) => r.id),
      );
      for (const { id, file } of chunk) {
        if (owned.has(id)) continue;
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** The live contacts a selection names; unknown or already deleted ids are an error, not a silent skip. */
  async select(selection: DeletionSelection): Promise<string[]> {
    if ('ids' in selection) {
      const ids = [...new Set(selection.ids)];
      if (ids.length === 0) throw new ValidationError('ids', selection.ids, 'select at least one contact');
      const live = new Set<string>();
      for (let k = 0; k < ids.length; k += CHUNK) {
        const rows = await this.db
          .selectFrom('contacts')
          .select('id')
          .where('id', 'in', ids.slice(k, k + CHUNK))
          .where('deleted_at', 'is', null)
          .execute();
        for (const r of rows) live.add(r.id);
      }
      const missing = ids.filter((id) => !live.has(id));
      if (missing.length > 0) {
        throw new ValidationError('ids', missing, 'these contacts do not exist or are already deleted');
      }
      return ids;
    }
    if (Object.values(selection.filter).every(isBlankCondition)) {
      throw new ValidationError(
        'filter',
        selection.filter,
        'an empty filter would select every contact; give at least one condition',
      );
    }
    return this.contacts.listIds(selection.filter);
  }

  /** `confirmField`: what the caller calls the count in errors (the API's field, the CLI's `--yes`). */
  async delete(
    selection: DeletionSelection,
    confirmCount: number | undefined,
    actor: Actor,
    confirmField = 'confirm_count',
  ): Promise<ContactDeletion> {
    const ids = await this.select(selection);
    if (confirmCount !== ids.length) {
      throw new ValidationError(
        confirmField,
        confirmCount ?? null,
        `must equal the number of contacts selected (${ids.length}); nothing was deleted`,
      );
    }
    const deletionId = newId('deletion');
    await mkdir(this.backupDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const backupPath = path.join(this.backupDir, `${deletionId}.ndjson`);
    // The backup is complete and on disk before the first contact is touched.
    const file = await open(backupPath, 'wx', PRIVATE_FILE_MODE);
    try {
      for (let k = 0; k < ids.length; k += CHUNK) {
        const chunk = ids.slice(k, k + CHUNK);
        const loaded = await loadContacts(this.db, chunk);
        await file.write(chunk.map((id) => `${JSON.stringify(loaded.get(id))}\n`).join(''));
      }
      await file.sync();
    } finally {
      await file.close();
    }
    const restoreUntil = new Date(Date.now() + this.retentionDays * 86_400_000).toISOString();
    const deletionActor = { ...actor, channelRef: deletionId };
    try {
      await this.contacts.writer.transaction(deletionActor, async (w) => {
        const { db: trx, at } = w;
        for (let k = 0; k < ids.length; k += CHUNK) {
          const chunk = ids.slice(k, k + CHUNK);
          const loaded = await loadContacts(trx, chunk, { forUpdate: true });
          const gone = chunk.find((id) => !loaded.has(id));
          if (gone !== undefined)
            throw new KithError(
              'conflict',
              `contact ${gone} was deleted or merged meanwhile; nothing was deleted`,
              409,
              {
                id: gone,
              },
            );
          await w.delete(chunk.map((id) => loaded.get(id)!));
          for (const id of chunk)
            await appendContactEvent(trx, {
              contactId: id,
              type: 'deleted',
              actor: deletionActor,
              at,
              data: { deletion_id: deletionId },
            });
        }
        await trx
          .insertInto('contact_deletions')
          .values({
            id: deletionId,
            contact_ids: JSON.stringify(ids),
            count: ids.length,
            selection: JSON.stringify(selection),
            backup_path: backupPath,
            created_by: actor.userId,
            created_at: at,
            restore_until: restoreUntil,
            restored_at: null,
            restored_by: null,
          })
          .execute();
      });
    } catch (e) {
      // Nothing was deleted: the backup belongs to no deletion, and holds customers' data.
      await rm(backupPath, { force: true });
      throw e;
    }
    return this.get(deletionId);
  }

  async get(deletionId: string): Promise<ContactDeletion> {
    const row = await this.db
      .selectFrom('contact_deletions')
      .selectAll()
      .where('id', '=', deletionId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('deletion', deletionId);
    return {
      id: row.id,
      count: row.count,
      selection: JSON.parse(row.selection) as DeletionSelection,
      backup_file: path.basename(row.backup_path),
      created_by: row.created_by,
      created_at: row.created_at,
      restore_until: row.restore_until,
      restored_at: row.restored_at,
    };
  }

  /** Where the backup of a deletion lives on this server, to read it; never part of an answer. */
  async backupPath(deletionId: string): Promise<string> {
    const row = await this.db
      .selectFrom('contact_deletions')
      .select('backup_path')
      .where('id', '=', deletionId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('deletion', deletionId);
    return row.backup_path;
  }

  async list(): Promise<ContactDeletion[]> {
    const rows = await this.db
      .selectFrom('contact_deletions')
      .select('id')
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    return Promise.all(rows.map((r) => this.get(r.id)));
  }

  /** Brings a batch deletion's contacts back; refuses, naming each, when a value is now someone else's. */
  async restore(deletionId: string, actor: Actor): Promise<{ deletion_id: string; restored: Contact[] }> {
    const restoreActor = { ...actor, channelRef: deletionId };
    return this.contacts.writer.transaction(restoreActor, async (w) => {
      const trx = w.db;
      let rowQuery = trx.selectFrom('contact_deletions').selectAll().where('id', '=', deletionId);
      // Locked on PostgreSQL: the same deletion restored twice at once restores once, the other waits
      // and is told it was restored (SQLite has one writer).
      if (this.store.dialect === 'postgres') rowQuery = rowQuery.forUpdate();
      const row = await rowQuery.executeTakeFirst();
      if (!row) throw new NotFoundError('deletion', deletionId);
      if (row.restored_at)
        throw new KithError(
          'already_restored',
          `deletion ${deletionId} was restored at ${row.restored_at}`,
          409,
        );
      if (nowIso() > row.restore_until) {
        throw new KithError(
          'retention_expired',
          `deletion ${deletionId} could be restored until ${row.restore_until}; its backup ${path.basename(row.backup_path)} can still be downloaded`,
          410,
          { backup_file: path.basename(row.backup_path) },
        );
      }
      const ids = JSON.parse(row.contact_ids) as string[];
      const blockers: Record<string, unknown>[] = [];
      const contacts = new Map<string, Contact>();
      for (let k = 0; k < ids.length; k += CHUNK) {
        for (const [id, c] of await loadContacts(trx, ids.slice(k, k + CHUNK), { includeDeleted: true }))
          contacts.set(id, c);
      }
      const rows = await trx
        .selectFrom('contacts')
        .select(['id', 'deleted_at', 'merged_into'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows) {
        if (r.deleted_at === null)
          blockers.push({ reason: `contact ${r.id} is live again`, contact_id: r.id });
        else if (r.merged_into)
          blockers.push({ reason: `contact ${r.id} was merged into ${r.merged_into}`, contact_id: r.id });
      }
      for (const [id, contact] of contacts) {
        const owner = await findOwnedElsewhere(trx, contact, id);
        if (owner) {
          blockers.push({
            reason: `${owner.field} ${JSON.stringify(owner.value)} of ${id} now belongs to contact ${owner.contactId}`,
            contact_id: id,
            field: owner.field,
            value: owner.value,
            owner_id: owner.contactId,
          });
        }
      }
      if (blockers.length > 0) {
        throw new KithError(
          'restore_blocked',
          `deletion ${deletionId} cannot be restored: ${blockers.map((b) => b.reason).join('; ')}`,
          409,
          { blockers },
        );
      }
      const at = w.at;
      await w.restore(
        ids.map((id) => contacts.get(id)!),
        'restored',
        { deletedAt: row.created_at },
      );
      for (const id of ids) {
        await appendContactEvent(trx, {
          contactId: id,
          type: 'restored',
          actor: restoreActor,
          at,
          data: { deletion_id: deletionId },
        });
      }
      await trx
        .updateTable('contact_deletions')
        .set({ restored_at: at, restored_by: actor.userId })
        .where('id', '=', deletionId)
        .execute();
      const restored = await loadContacts(trx, ids);
      return { deletion_id: deletionId, restored: ids.map((id) => restored.get(id)!) };
    });
  }
}
