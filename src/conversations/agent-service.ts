/**
 * AgentService: agents are users seen as conversation handlers — their availability (online, busy,
 * offline), capacity (maximum open conversations, null = no limit), load, and the per-agent report.
 */
import type { Actor } from '../domain/actor.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { isIsoDateOrTime } from '../domain/normalize/date.js';
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
  /**
   * Median seconds from a conversation's start to its first reply, over the conversations this agent
   * gave the first reply to in the period; null when none.
   */
  median_first_response_seconds: number | null;
  /** Median seconds from a conversation's start to its resolution, over this agent's resolutions in the period. */
  median_resolution_seconds: number | null;
}

/** Median of durations per user, in whole seconds. */
function medians(rows: { user_id: string | null; from: string; to: string }[]): Map<string, number> {
  const byUser = new Map<string, number[]>();
  for (const r of rows) {
    if (!r.user_id) continue;
    const seconds = (Date.parse(r.to) - Date.parse(r.from)) / 1000;
    if (!Number.isFinite(seconds) || seconds < 0) continue;
    byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), seconds]);
  }
  const result = new Map<string, number>();
  for (const [user, values] of byUser) {
    values.sort((a, b) => a - b);
    const mid = Math.floor(values.length / 2);
    const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    result.set(user, Math.round(median));
  }
  return result;
}

const isoOrNull = (value: string | undefined, field: string): string | null => {
  if (value === undefined || value === '') return null;
  const t = Date.parse(value);
  if (!isIsoDateOrTime(value) || Number.isNaN(t))
    throw new ValidationError(field, value, 'must be an ISO date or date-time');
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
    // Resolution time: from the conversation's start to each resolution credited in the period.
    let resolutions = this.db
      .selectFrom('conversation_events as e')
      .innerJoin('conversations as c', 'c.id', 'e.conversation_id')
      .select(['e.credited_user_id as user_id', 'c.created_at as from', 'e.occurred_at as to'])
      .where('e.type', '=', 'status_changed')
      .where('e.credited_user_id', 'is not', null);
    if (from) resolutions = resolutions.where('e.occurred_at', '>=', from);
    if (to) resolutions = resolutions.where('e.occurred_at', '<', to);
    // First response: a conversation's first outgoing message by a person, when it falls in the period.
    let replies = this.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.sender_id as user_id', 'c.created_at as from', 'm.created_at as to'])
      .where('m.direction', '=', 'outgoing')
      .where('m.sender_type', '=', 'user')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('messages as earlier')
              .select('earlier.id')
              .whereRef('earlier.conversation_id', '=', 'm.conversation_id')
              .where('earlier.direction', '=', 'outgoing')
              .where('earlier.sender_type', '=', 'user')
              .whereRef('earlier.id', '<', 'm.id'),
          ),
        ),
      );
    if (from) replies = replies.where('m.created_at', '>=', from);
    if (to) replies = replies.where('m.created_at', '<', to);
    const [agents, resolvedBy, assignedBy, resolutionTimes, firstResponses] = await Promise.all([
      this.list(),
      counts('status_changed'),
      counts('assigned'),
      resolutions.execute().then(medians),
      replies.execute().then(medians),
    ]);
    return agents.map((a) => ({
      user_id: a.user_id,
      email: a.email,
      name: a.name,
      resolved: resolvedBy.get(a.user_id) ?? 0,
      assigned: assignedBy.get(a.user_id) ?? 0,
      open: a.open_conversations,
      median_first_response_seconds: firstResponses.get(a.user_id) ?? null,
      median_resolution_seconds: resolutionTimes.get(a.user_id) ?? null,
    }));
  }
}
