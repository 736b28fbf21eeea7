/**
 * InboxService: inboxes (a named channel; type `api`: other systems post customer messages through the
 * API), their members and their auto-assignment setting.
 */
import { z } from 'zod';
import type { Actor } from '../domain/actor.js';
import { isActiveUser } from '../auth/user-service.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { MAX_NAME_LENGTH, normalizeBoundedText } from '../domain/normalize/text.js';
import { toValidationErrors } from '../domain/zod-validation.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import { nameConflict } from '../store/name-conflict.js';
import type { InboxesTable } from '../store/schema.js';
import { nowIso } from '../store/transaction.js';
import type { AssignmentTriggers } from './assignment-triggers.js';

export const ASSIGNMENT_MODES = ['round_robin', 'balanced'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export interface Inbox {
  id: string;
  name: string;
  channel_type: 'api';
  auto_assignment: { enabled: boolean; mode: AssignmentMode };
  member_ids: string[];
  created_at: string;
  updated_at: string;
}

const AutoAssignmentSchema = z.strictObject({
  enabled: z.boolean(),
  mode: z.enum(ASSIGNMENT_MODES).default('round_robin'),
});
const CreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  channel_type: z.literal('api').default('api'),
  auto_assignment: AutoAssignmentSchema.optional(),
});
const UpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  auto_assignment: AutoAssignmentSchema.partial().optional(),
});

/**
 * An inbox's name as stored: normalised, and refused by name when nothing is left of it (`"\u0000"`
 * passed the schema's non-empty check and then failed as an internal error), as a team's name is.
 */
function inboxName(value: string): string {
  const name = normalizeBoundedText(value, 'name', MAX_NAME_LENGTH);
  if (!name) throw new ValidationError('name', value, 'is required');
  return name;
}

export class InboxService {
  private triggers: AssignmentTriggers | null = null;

  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  setAssignmentTriggers(triggers: AssignmentTriggers): void {
    this.triggers = triggers;
  }

  async list(): Promise<Inbox[]> {
    const rows = await this.db.selectFrom('inboxes').selectAll().orderBy('name_key').execute();
    return this.withMembers(rows);
  }

  async get(id: string): Promise<Inbox> {
    const row = await this.db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('inbox', id);
    return (await this.withMembers([row]))[0]!;
  }

  async create(input: unknown, actor: Actor): Promise<Inbox> {
    const parsed = CreateSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, CreateSchema);
    const name = inboxName(parsed.data.name);
    const at = nowIso();
    const id = newId('inbox');
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('inboxes')
          .values({
            id,
            name,
            name_key: name.toLowerCase(),
            channel_type: parsed.data.channel_type,
            auto_assignment: parsed.data.auto_assignment?.enabled ? 1 : 0,
            assignment_mode: parsed.data.auto_assignment?.mode ?? 'round_robin',
            created_at: at,
            updated_at: at,
          })
          .execute();
        await appendAuditEntry(trx, {
          entityType: 'inbox',
          entityId: id,
          action: 'created',
          changes: [{ field: 'name', old: null, new: name }],
          actor,
          at,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'inboxes', name, 'inbox');
      throw e;
    }
    return this.get(id);
  }

  async update(id: string, input: unknown, actor: Actor): Promise<Inbox> {
    const parsed = UpdateSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, UpdateSchema);
    const before = await this.get(id);
    const name = parsed.data.name !== undefined ? inboxName(parsed.data.name) : before.name;
    const enabled = parsed.data.auto_assignment?.enabled ?? before.auto_assignment.enabled;
    const mode = parsed.data.auto_assignment?.mode ?? before.auto_assignment.mode;
    const at = nowIso();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('inboxes')
          .set({
            name,
            name_key: name.toLowerCase(),
            auto_assignment: enabled ? 1 : 0,
            assignment_mode: mode,
            updated_at: at,
          })
          .where('id', '=', id)
          .execute();
        await appendAuditEntry(trx, {
          entityType: 'inbox',
          entityId: id,
          action: 'updated',
          changes: [
            { field: 'name', old: before.name, new: name },
            { field: 'auto_assignment', old: before.auto_assignment, new: { enabled, mode } },
          ].filter((c) => JSON.stringify(c.old) !== JSON.stringify(c.new)),
          actor,
          at,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'inboxes', name, 'inbox');
      throw e;
    }
    if (enabled && !before.auto_assignment.enabled) await this.triggers?.workMayBeTaken({ inboxId: id });
    return this.get(id);
  }

  async addMember(inboxId: string, userId: string, actor: Actor): Promise<Inbox> {
    await this.get(inboxId);
    if (!(await isActiveUser(this.db, userId)))
      throw new ValidationError('user_id', userId, 'is not an active user');
    const at = nowIso();
    const inserted = await this.db.transaction().execute(async (trx) => {
      // A member already there, or added by the same request sent at once (on PostgreSQL a check
      // before the insert reads what was committed before it), is left as it is: added once, no 500.
      const added = await trx
        .insertInto('inbox_members')
        .values({ inbox_id: inboxId, user_id: userId, added_at: at, last_assigned_at: null })
        .onConflict((oc) => oc.columns(['inbox_id', 'user_id']).doNothing())
        .executeTakeFirst();
      if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await appendAuditEntry(trx, {
        entityType: 'inbox',
        entityId: inboxId,
        action: 'member_added',
        changes: [{ field: 'member', old: null, new: userId }],
        actor,
        at,
      });
      return true;
    });
    if (inserted) await this.triggers?.workMayBeTaken({ inboxId, userId });
    return this.get(inboxId);
  }

  async removeMember(inboxId: string, userId: string, actor: Actor): Promise<Inbox> {
    await this.get(inboxId);
    const at = nowIso();
    const removed = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('inbox_members')
        .where('inbox_id', '=', inboxId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await appendAuditEntry(trx, {
        entityType: 'inbox',
        entityId: inboxId,
        action: 'member_removed',
        changes: [{ field: 'member', old: userId, new: null }],
        actor,
        at,
      });
      return true;
    });
    if (!removed) throw new NotFoundError('inbox member', userId);
    await this.triggers?.agentLeftInbox(inboxId, userId);
    return this.get(inboxId);
  }

  private async withMembers(rows: InboxesTable[]): Promise<Inbox[]> {
    if (rows.length === 0) return [];
    const members = await this.db
      .selectFrom('inbox_members')
      .select(['inbox_id', 'user_id'])
      .where(
        'inbox_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('added_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      channel_type: 'api',
      auto_assignment: { enabled: r.auto_assignment === 1, mode: r.assignment_mode as AssignmentMode },
      member_ids: members.filter((m) => m.inbox_id === r.id).map((m) => m.user_id),
      created_at: r.created_at,
      updated_at: r.updated_at,
    }));
  }
}
