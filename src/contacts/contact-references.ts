/**
 * The registry of what points at a contact. Every capability that stores a contact id registers how
 * its rows move to a merge's survivor and back, and (when it needs to) what it does when contacts are
 * deleted or restored. Merge, unmerge, batch delete and restore iterate the registry and hold no other
 * capability's SQL; a capability added later (orders) only registers.
 *
 * What `moveToSurvivor` answers is kept in the merge record under the reference's name and handed
 * back to `moveBack` by unmerge, so it must be plain JSON.
 */
import type { Actor } from '../domain/actor.js';
import type { Queryable } from '../store/transaction.js';

export interface ContactReferenceContext {
  actor: Actor;
  at: string;
}

export interface ContactReference<Moved = unknown> {
  /** Names the rows (`timeline`, `conversations` …); the key of what it moved in a merge record. */
  readonly name: string;
  /** Points the rows of `fromIds` at `survivorId`; answers what it changed, for `moveBack`. */
  moveToSurvivor(
    db: Queryable,
    fromIds: readonly string[],
    survivorId: string,
    ctx: ContactReferenceContext & { mergeId: string },
  ): Promise<Moved>;
  /** Undoes `moveToSurvivor` (unmerge), leaving alone what changed since where it must. */
  moveBack(db: Queryable, moved: Moved, survivorId: string, ctx: ContactReferenceContext): Promise<void>;
  /** Contacts were soft-deleted (batch delete, an import undone). */
  contactsDeleted?(db: Queryable, ids: readonly string[], ctx: ContactReferenceContext): Promise<void>;
  /** Soft-deleted contacts are live again (restore of a batch deletion). */
  contactsRestored?(db: Queryable, ids: readonly string[], ctx: ContactReferenceContext): Promise<void>;
}

export class ContactReferenceRegistry {
  private readonly references: ContactReference[] = [];

  register<Moved>(reference: ContactReference<Moved>): void {
    if (this.references.some((r) => r.name === reference.name))
      throw new Error(`a contact reference named ${reference.name} is already registered`);
    this.references.push(reference as ContactReference);
  }

  list(): readonly ContactReference[] {
    return this.references;
  }

  /** Moves every registered reference; answers what each moved, by name (kept in the merge record). */
  async moveToSurvivor(
    db: Queryable,
    fromIds: readonly string[],
    survivorId: string,
    ctx: ContactReferenceContext & { mergeId: string },
  ): Promise<Record<string, unknown>> {
    const moved: Record<string, unknown> = {};
    for (const reference of this.references)
      moved[reference.name] = await reference.moveToSurvivor(db, fromIds, survivorId, ctx);
    return moved;
  }

  /** Moves back what a merge moved; a reference with nothing recorded (registered later) is skipped. */
  async moveBack(
    db: Queryable,
    moved: Record<string, unknown>,
    survivorId: string,
    ctx: ContactReferenceContext,
  ): Promise<void> {
    // Reverse order: a reference registered after another may depend on it having moved first.
    for (const reference of [...this.references].reverse())
      if (moved[reference.name] !== undefined)
        await reference.moveBack(db, moved[reference.name], survivorId, ctx);
  }

  async contactsDeleted(db: Queryable, ids: readonly string[], ctx: ContactReferenceContext): Promise<void> {
    for (const reference of this.references) await reference.contactsDeleted?.(db, ids, ctx);
  }

  async contactsRestored(db: Queryable, ids: readonly string[], ctx: ContactReferenceContext): Promise<void> {
    for (const reference of this.references) await reference.contactsRestored?.(db, ids, ctx);
  }
}
