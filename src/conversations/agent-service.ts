/**
 * AgentService: agents are users seen as conversation handlers — their availability (online, busy,
 * offline), capacity (maximum open conversations, null = no limit), load, and the per-agent report.
 */
import type { Actor } from '../domain/actor.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { appendAuditEntry } from '../history/audit-log.js';
import type { Store } from '../store/database.js';
import { nowIso } from '../store/transaction.js';
import type { AssignmentTriggers } from './assignment-triggers.js';
import { AVAILABILITIES, type Availability } from './conversation-fields.js';

export interface Agent {
  user_id: string;
  email: string;
  name: string | null;
  role: string;
  availability: Availability;
  capacity: number | null;
  open_conversations: number;
  inbox_ids: string[];
}

export interface AgentReportRow {
  user_id: string;
  email: string;
  name: string | null;
  /** Conversations this agent resolved in the period (each counted once), whoever holds them now. */
  resolved: number;
  /** Conversations assigned to this agent in the period (each counted once). */
  assigned: number;
  /** Open conversations assigned now. */
  open: number;
}

const isoOrNull = (value: string | undefined, field: string): string | null => {
  if (value === undefined || value === '') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ValidationError(field, value, 'must be an ISO date or date-time');
  return new Date(t).toISOString();
};

export class AgentService {
  private triggers: AssignmentTriggers | null = null;

  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  setAssignmentTriggers(triggers: AssignmentTriggers): void {
    this.triggers = triggers;
  }

  async list(): Promise<Agent[]> {
    return this.load();
  }

  async get(userId: string): Promise<Agent> {
    const [agent] = await this.load(userId);
    if (!agent) throw new NotFoundError('agent', userId);
    return agent;
  }

  /** Active users with their load and inboxes; only `userId`'s rows when given. */
  private async load(userId?: string): Promise<Agent[]> {
    let users = this.db.selectFrom('users').selectAll().where('disabled_at', 'is', null);
    let open = this.db
      .selectFrom('conversations')
      .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'open')
      .where('assignee_id', 'is not', null);
    let members = this.db.selectFrom('inbox_members').select(['inbox_id', 'user_id']);
    if (userId !== undefined) {
      users = users.where('id', '=', userId);
      open = open.where('assignee_id', '=', userId);
      members = members.where('user_id', '=', userId);
    }
    const [userRows, openRows, memberRows] = await Promise.all([
      users.orderBy('email').execute(),
      open.groupBy('assignee_id').execute(),
      members.execute(),
    ]);
    const openBy = new Map(openRows.map((r) => [r.assignee_id!, Number(r.n)]));
    const inboxesBy = new Map<string, string[]>();
    for (const m of memberRows) inboxesBy.set(m.user_id, [...(inboxesBy.get(m.user_id) ?? []), m.inbox_id]);
    return userRows.map((u) => ({
      user_id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      availability: u.availability as Availability,
      capacity: u.capacity,
      open_conversations: openBy.get(u.id) ?? 0,
      inbox_ids: inboxesBy.get(u.id) ?? [],
    }));
  }

  async setAvailability(userId: string, availability: unknown, actor: Actor): Promise<Agent> {
    if (typeof availability !== 'string' || !(AVAILABILITIES as readonly string[]).includes(availability))
      throw new ValidationError(
        'availability',
        availability ?? null,
        `must be one of ${AVAILABILITIES.join(', ')}`,
      );
    const before = await this.get(userId);
    if (before.availability !== availability) {
      const at = nowIso();
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ availability }).where('id', '=', userId).execute();
        await appendAuditEntry(trx, {
          entityType: 'user',
          entityId: userId,
          action: 'availability_changed',
          changes: [{ field: 'availability', old: before.availability, new: availability }],
          actor,
          at,
        });
      });
      if (availability === 'online') await this.triggers?.workMayBeTaken({ userId });
    }
    return this.get(userId);
  }

  async setCapacity(userId: string, capacity: unknown, actor: Actor): Promise<Agent> {
    if (
      capacity !== null &&
      (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0 || capacity > 10_000)
    )
      throw new ValidationError(
        'capacity',
        capacity ?? null,
        'must be a whole number from 0 to 10000, or null for no limit',
      );
    const before = await this.get(userId);
    if (before.capacity !== capacity) {
      const at = nowIso();
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ capacity }).where('id', '=', userId).execute();
        await appendAuditEntry(trx, {
          entityType: 'user',
          entityId: userId,
          action: 'capacity_changed',
          changes: [{ field: 'capacity', old: before.capacity, new: capacity }],
          actor,
          at,
        });
      });
      if (capacity === null || before.capacity === null || capacity > before.capacity)
        await this.triggers?.workMayBeTaken({ userId });
    }
    return this.get(userId);
  }

  /**
   * Per agent over [from, to): resolutions count for the agent who resolved (kept on the event), so a
   * rule that unassigns the conversation afterwards takes nothing away.
   */
  async report(range: { from?: string; to?: string }): Promise<AgentReportRow[]> {
    const from = isoOrNull(range.from, 'from');
    const to = isoOrNull(range.to, 'to');
    if (from && to && from >= to) throw new ValidationError('to', range.to, 'must be after from');
    const counts = (type: 'status_changed' | 'assigned') => {
      let q = this.db
        .selectFrom('conversation_events')
        .select([
          'credited_user_id as user_id',
          (eb) => eb.fn.count<number>('conversation_id').distinct().as('n'),
        ])
        .where('type', '=', type)
        .where('credited_user_id', 'is not', null)
        .groupBy('credited_user_id');
      if (from) q = q.where('occurred_at', '>=', from);
      if (to) q = q.where('occurred_at', '<', to);
      return q.execute().then((rows) => new Map(rows.map((r) => [r.user_id!, Number(r.n)])));
    };
    const [agents, resolvedBy, assignedBy] = await Promise.all([
      this.list(),
      counts('status_changed'),
      counts('assigned'),
    ]);
    return agents.map((a) => ({
      user_id: a.user_id,
      email: a.email,
      name: a.name,
      resolved: resolvedBy.get(a.user_id) ?? 0,
      assigned: assignedBy.get(a.user_id) ?? 0,
      open: a.open_conversations,
    }));
  }
}
