/** TeamService: named teams of agents that conversations can be given to (`team_id`). */
import type { Actor } from '../domain/actor.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { MAX_NAME_LENGTH, normalizeBoundedText } from '../domain/normalize/text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import { nameConflict } from '../store/name-conflict.js';
import { nowIso } from '../store/transaction.js';

export interface Team {
  id: string;
  name: string;
  member_ids: string[];
  created_at: string;
}

export class TeamService {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  async list(): Promise<Team[]> {
    const [teams, members] = await Promise.all([
      this.db.selectFrom('teams').selectAll().orderBy('name_key').execute(),
      this.db.selectFrom('team_members').select(['team_id', 'user_id']).orderBy('added_at').execute(),
    ]);
    return teams.map((t) => ({
      id: t.id,
      name: t.name,
      member_ids: members.filter((m) => m.team_id === t.id).map((m) => m.user_id),
      created_at: t.created_at,
    }));
  }

  async get(id: string): Promise<Team> {
    const team = (await this.list()).find((t) => t.id === id);
    if (!team) throw new NotFoundError('team', id);
    return team;
  }

  async create(input: { name?: unknown }, actor: Actor): Promise<Team> {
    const name =
      typeof input.name === 'string' ? normalizeBoundedText(input.name, 'name', MAX_NAME_LENGTH) : null;
    if (!name) throw new ValidationError('name', input.name ?? null, 'is required');
    const id = newId('team');
    const at = nowIso();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('teams')
          .values({ id, name, name_key: name.toLowerCase(), created_at: at })
          .execute();
        await appendAuditEntry(trx, {
          entityType: 'team',
          entityId: id,
          action: 'created',
          changes: [{ field: 'name', old: null, new: name }],
          actor,
          at,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'teams', name, 'team');
      throw e;
    }
    return this.get(id);
  }

  async addMember(teamId: string, userId: string): Promise<Team> {
    await this.get(teamId);
    const user = await this.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new ValidationError('user_id', userId, 'is not a user');
    // A member already there, or added by the same request sent at once, is left as it is (no 500).
    await this.db
      .insertInto('team_members')
      .values({ team_id: teamId, user_id: userId, added_at: nowIso() })
      .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
      .execute();
    return this.get(teamId);
  }

  async rename(id: string, input: { name?: unknown }, actor: Actor): Promise<Team> {
    const before = await this.get(id);
    const name =
      typeof input.name === 'string' ? normalizeBoundedText(input.name, 'name', MAX_NAME_LENGTH) : null;
    if (!name) throw new ValidationError('name', input.name ?? null, 'is required');
    if (name === before.name) return before;
    const at = nowIso();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('teams')
          .set({ name, name_key: name.toLowerCase() })
          .where('id', '=', id)
          .execute();
        await appendAuditEntry(trx, {
          entityType: 'team',
          entityId: id,
          action: 'updated',
          changes: [{ field: 'name', old: before.name, new: name }],
          actor,
          at,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'teams', name, 'team');
      throw e;
    }
    return this.get(id);
  }

  /** Takes a user off a team; conversations already given to the team keep it. */
  async removeMember(teamId: string, userId: string): Promise<Team> {
    await this.get(teamId);
    const result = await this.db
      .deleteFrom('team_members')
      .where('team_id', '=', teamId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError('team member', userId);
    return this.get(teamId);
  }
}
