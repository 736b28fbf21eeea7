/**
 * AutomationRuleService: stored rules (CRUD, order, active flag), their evaluation logs, dry runs, and
 * the compiled active rules the listener reads on every event (cached, reloaded when any rule changed).
 */
import type { Contact } from '../domain/contact/contact-fields.js';
import { isActiveUser } from '../auth/user-service.js';
import type { ContactService } from '../contacts/contact-service.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { MessageDirection } from '../conversations/conversation-fields.js';
import type { Actor } from '../domain/actor.js';
import { KithError, NotFoundError, ValidationError, ValidationErrors } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { appendAuditEntry } from '../history/audit-log.js';
import type { Store } from '../store/database.js';
import type { OutboundHttp } from '../sync/outbound/outbound-http.js';
import { SecretBox } from '../sync/carddav/sync-secrets.js';
import type { AutomationLogsTable, AutomationRulesTable } from '../store/schema.js';
import { holdTransactionLock, nowIso } from '../store/transaction.js';
import { type ConditionTrace, type Facts, traceConditions } from './rules/evaluate-conditions.js';
import { purchaseFactsFor } from '../orders/purchase-facts.js';
import { conversationFacts, contactFacts, messageFacts, purchaseFactsOf } from './rules/rule-facts.js';
import {
  CONTACT_EVENTS,
  parseRuleDefinition,
  patchRuleDefinition,
  type RuleDefinition,
  type RuleEvent,
} from './rules/rule-definition.js';
import { fieldPath } from '../domain/field-path.js';

/** How long another process's rule edits may go unseen. */
export const RULE_CACHE_MS = 1_000;
/** Times a rule's change is applied again when another change was saved first (see `update`). */
const UPDATE_ATTEMPTS = 5;

// Any fixed 64-bit number: the lock that numbers new rules' positions ("kith", 3).
const POSITION_LOCK = 0x6b697468_0003;

export interface AutomationRule extends Required<Omit<RuleDefinition, 'position'>> {
  id: string;
  position: number;
  failure_streak: number;
  /** Why the rule was switched off automatically (it kept failing); null otherwise. */
  deactivated_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A log row as the API shows it: misses appear per rule with outcome `not_matched`, actions parsed. */
export type AutomationLogEntry = Omit<AutomationLogsTable, 'actions'> & { actions: unknown[] };

/** What the rules list shows beside each rule: its latest run and how many kept runs failed. */
export interface AutomationRuleStats {
  /** When the rule last matched and acted (its newest `matched` log entry); null if never (or pruned). */
  last_run_at: string | null;
  /** Kept runs with a failed action (logs older than KITH_AUTOMATION_LOG_DAYS are pruned). */
  failures: number;
}

export interface DryRunResult {
  rule_id: string;
  event: RuleEvent;
  matched: boolean;
  /** Why the rule would not run even though it may match. */
  would_skip: 'inactive' | 'once_per_conversation' | null;
  trace: ConditionTrace;
  actions: RuleDefinition['actions'];
  /**
   * The message the `message.*` conditions were tried on: the one given, else (a rule of new messages
   * or conversations) the conversation's latest; null for other rules.
   */
  message: { content: string; type: MessageDirection; given: boolean } | null;
}

/** A message to try a rule's `message.*` conditions on, as a dry run is given it. */
export interface DryRunMessage {
  content: string;
  type?: MessageDirection;
}

/** Rules whose event comes with a message (the listener's facts hold `message.*` for them). */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['message_created', 'conversation_created']);

function toRule(row: AutomationRulesTable, actions: RuleDefinition['actions']): AutomationRule {
  return {
    id: row.id,
    name: row.name,
    event: row.event as RuleEvent,
    conditions: JSON.parse(row.conditions) as RuleDefinition['conditions'],
    actions,
    active: row.active === 1,
    once_per_conversation: row.once_per_conversation === 1,
    position: row.position,
    failure_streak: row.failure_streak,
    deactivated_reason: row.deactivated_reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * A rule as the audit log keeps it: a `send_webhook` action's signing secret as `***`, as every secret
 * there is (README); the log is kept for good and read by every administrator.
 */
function withoutSecrets<R extends { actions: readonly unknown[] }>(rule: R): R {
  return {
    ...rule,
    actions: rule.actions.map((action) =>
      action && typeof action === 'object' && 'secret' in action ? { ...action, secret: '***' } : action,
    ),
  };
}

export class AutomationRuleService {
  private cache: { version: string; byEvent: Map<string, AutomationRule[]>; checkedAt: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly contacts: ContactService,
    private readonly outbound: OutboundHttp,
    /** Seals send_webhook signing secrets at rest when KITH_SECRET_KEY is set, as webhooks' are. */
    private readonly secrets: SecretBox = new SecretBox(null),
  ) {}

  /**
   * A rule's actions as stored: a send_webhook action's secret sealed under the rule's id (as
   * `sealed_secret`) when there is a key; as given without one.
   */
  private storedActions(ruleId: string, actions: readonly unknown[]): string {
    if (!this.secrets.ready) return JSON.stringify(actions);
    return JSON.stringify(
      actions.map((action) => {
        if (
          !action ||
          typeof action !== 'object' ||
          typeof (action as { secret?: unknown }).secret !== 'string'
        )
          return action;
        const { secret, ...rest } = action as { secret: string };
        return { ...rest, sealed_secret: this.secrets.seal(secret, ruleId) };
      }),
    );
  }

  /**
   * A stored rule's actions with their secrets in the clear; a secret that cannot be opened (the key was
   * changed) is left empty with `secret_error` saying why, which fails the action when it runs. A rule
   * stored in the clear before a key was set is sealed now.
   */
  private async actionsOf(row: AutomationRulesTable): Promise<RuleDefinition['actions']> {
    const stored = JSON.parse(row.actions) as Record<string, unknown>[];
    const actions = stored.map((action) => {
      if (typeof action?.sealed_secret !== 'string') return action;
      const { sealed_secret: sealed, ...rest } = action;
      try {
        return { ...rest, secret: this.secrets.open(sealed, row.id) };
      } catch {
        const reason = this.secrets.ready
          ? 'its signing secret cannot be decrypted with this KITH_SECRET_KEY (was the key changed?): give the action its secret again'
          : 'its signing secret is sealed and KITH_SECRET_KEY is not set: set the key again, or give the action its secret again';
        return { ...rest, secret: '', secret_error: reason };
      }
    });
    if (this.secrets.ready && stored.some((a) => typeof a?.secret === 'string'))
      await this.db
        .updateTable('automation_rules')
        .set({ actions: this.storedActions(row.id, stored) })
        .where('id', '=', row.id)
        .where('actions', '=', row.actions)
        .execute();
    return actions as RuleDefinition['actions'];
  }

  private get db() {
    return this.store.db;
  }

  async list(): Promise<AutomationRule[]> {
    const rows = await this.db
      .selectFrom('automation_rules')
      .selectAll()
      .orderBy('position')
      .orderBy('id')
      .execute();
    return Promise.all(rows.map(async (row) => toRule(row, await this.actionsOf(row))));
  }

  /** Every rule with its run statistics, in order (one grouped read of the log, for the rules list). */
  async listWithStats(): Promise<(AutomationRule & AutomationRuleStats)[]> {
    const [rules, stats] = await Promise.all([this.list(), this.stats()]);
    return rules.map((rule) => ({ ...rule, ...(stats.get(rule.id) ?? { last_run_at: null, failures: 0 }) }));
  }

  async getWithStats(id: string): Promise<AutomationRule & AutomationRuleStats> {
    const [rule, stats] = await Promise.all([this.get(id), this.stats(id)]);
    return { ...rule, ...(stats.get(id) ?? { last_run_at: null, failures: 0 }) };
  }

  private async stats(ruleId?: string): Promise<Map<string, AutomationRuleStats>> {
    let q = this.db
      .selectFrom('automation_logs')
      .select((eb) => [
        'rule_id',
        eb.fn
          .max(eb.case().when('outcome', '=', 'matched').then(eb.ref('created_at')).end())
          .as('last_run_at'),
        eb.fn.sum<number>(eb.case().when('error', 'is not', null).then(1).else(0).end()).as('failures'),
      ])
      .groupBy('rule_id');
    if (ruleId) q = q.where('rule_id', '=', ruleId);
    const rows = await q.execute();
    return new Map(
      rows.map((r) => [
        r.rule_id,
        { last_run_at: (r.last_run_at as string | null) ?? null, failures: Number(r.failures ?? 0) },
      ]),
    );
  }

  async get(id: string): Promise<AutomationRule> {
    const row = await this.db
      .selectFrom('automation_rules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('rule', id);
    return toRule(row, await this.actionsOf(row));
  }

  /**
   * Active rules for an event, in order. Edits made in this process are seen at once; edits from another
   * process (a CLI, a second server) within RULE_CACHE_MS, when the rules' version stamp is next checked.
   */
  async activeFor(event: RuleEvent): Promise<AutomationRule[]> {
    const now = Date.now();
    if (!this.cache || now - this.cache.checkedAt > RULE_CACHE_MS) {
      const stamp = await this.db
        .selectFrom('automation_rules')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('latest')])
        .executeTakeFirstOrThrow();
      const version = `${stamp.n}|${stamp.latest ?? ''}`;
      if (this.cache?.version !== version) {
        const byEvent = new Map<string, AutomationRule[]>();
        for (const rule of await this.list()) {
          if (!rule.active) continue;
          byEvent.set(rule.event, [...(byEvent.get(rule.event) ?? []), rule]);
        }
        this.cache = { version, byEvent, checkedAt: now };
      } else this.cache.checkedAt = now;
    }
    return this.cache.byEvent.get(event) ?? [];
  }

  /** Forgets the compiled rules: the next event reloads them (called after every rule write here). */
  invalidate(): void {
    this.cache = null;
  }

  async create(input: unknown, actor: Actor): Promise<AutomationRule> {
    const rule = parseRuleDefinition(input);
    await this.assertReferences(rule);
    const at = nowIso();
    const id = newId('rule');
    await this.db.transaction().execute(async (trx) => {
      // A new rule goes after the last. On PostgreSQL rules created at once each read the same last
      // position and took the same next one: the lock, held until commit, makes the next read this
      // rule's. (SQLite's write transactions run one at a time from their start.)
      await holdTransactionLock(trx, POSITION_LOCK);
      const last = await trx
        .selectFrom('automation_rules')
        .select((eb) => eb.fn.max('position').as('p'))
        .executeTakeFirst();
      await trx
        .insertInto('automation_rules')
        .values({
          id,
          name: rule.name,
          event: rule.event,
          conditions: JSON.stringify(rule.conditions),
          actions: this.storedActions(id, rule.actions),
          active: rule.active ? 1 : 0,
          position: rule.position ?? (last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1),
          once_per_conversation: rule.once_per_conversation ? 1 : 0,
          failure_streak: 0,
          deactivated_reason: null,
          created_by: actor.userId,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await appendAuditEntry(trx, {
        entityType: 'automation_rule',
        entityId: id,
        action: 'created',
        changes: [{ field: 'rule', old: null, new: withoutSecrets(rule) }],
        actor,
        at,
      });
    });
    this.invalidate();
    return this.get(id);
  }

  async update(id: string, input: unknown, actor: Actor): Promise<AutomationRule> {
    // The patch is applied to the rule as read, and the whole rule written back: a change saved
    // meanwhile (another administrator's patch, or the rule switched off after failing runs) would be
    // overwritten, both answered 200. The write is therefore conditional on the version read, and a
    // patch that lost the race is applied again to the rule as it now is.
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      if (await this.tryUpdate(id, input, actor)) {
        this.invalidate();
        return this.get(id);
      }
    }
    throw new KithError('conflict', `rule ${id} kept changing while this change was saved; try again`, 409, {
      id,
    });
  }

  /** One attempt of `update`: false when the rule changed since it was read (nothing was written). */
  private async tryUpdate(id: string, input: unknown, actor: Actor): Promise<boolean> {
    const current = await this.get(id);
    const { name, event, conditions, actions, active, once_per_conversation, position } = current;
    const rule = patchRuleDefinition(
      { name, event, conditions, actions, active, once_per_conversation, position },
      input,
    );
    await this.assertReferences(rule);
    // Later than the version read, even within its millisecond: the next writer's condition must fail.
    const at = new Date(Math.max(Date.now(), Date.parse(current.updated_at) + 1)).toISOString();
    const reactivated = rule.active && !current.active;
    return this.db.transaction().execute(async (trx) => {
      const written = await trx
        .updateTable('automation_rules')
        .set({
          name: rule.name,
          event: rule.event,
          conditions: JSON.stringify(rule.conditions),
          actions: this.storedActions(id, rule.actions),
          active: rule.active ? 1 : 0,
          position: rule.position ?? current.position,
          once_per_conversation: rule.once_per_conversation ? 1 : 0,
          ...(reactivated ? { failure_streak: 0, deactivated_reason: null } : {}),
          updated_at: at,
        })
        .where('id', '=', id)
        .where('updated_at', '=', current.updated_at)
        .executeTakeFirst();
      if (Number(written.numUpdatedRows) === 0) {
        if (!(await trx.selectFrom('automation_rules').select('id').where('id', '=', id).executeTakeFirst()))
          throw new NotFoundError('rule', id);
        return false;
      }
      await appendAuditEntry(trx, {
        entityType: 'automation_rule',
        entityId: id,
        action: 'updated',
        changes: [{ field: 'rule', old: withoutSecrets(current), new: withoutSecrets(rule) }],
        actor,
        at,
      });
      return true;
    });
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('automation_rules').where('id', '=', id).execute();
      await trx.deleteFrom('automation_rule_runs').where('rule_id', '=', id).execute();
      await appendAuditEntry(trx, {
        entityType: 'automation_rule',
        entityId: id,
        action: 'deleted',
        changes: [{ field: 'rule', old: withoutSecrets(current), new: null }],
        actor,
        at,
      });
    });
    this.invalidate();
  }

  /** Newest first, paged by id: runs and skips from automation_logs, misses from automation_misses. */
  async logs(ruleId: string, page: { before?: string; limit?: number } = {}): Promise<AutomationLogEntry[]> {
    await this.get(ruleId);
    const limit = page.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError('limit', page.limit, 'must be a whole number from 1 to 1000');
    let runs = this.db.selectFrom('automation_logs').selectAll().where('rule_id', '=', ruleId);
    // Rule ids are quoted in the JSON list, so the pattern cannot match another id it is a prefix of.
    let misses = this.db
      .selectFrom('automation_misses')
      .selectAll()
      .where('rule_ids', 'like', `%${JSON.stringify(ruleId)}%`);
    if (page.before) {
      runs = runs.where('id', '<', page.before);
      misses = misses.where('id', '<', page.before);
    }
    const [runRows, missRows] = await Promise.all([
      runs.orderBy('id', 'desc').limit(limit).execute(),
      misses.orderBy('id', 'desc').limit(limit).execute(),
    ]);
    const entries: AutomationLogEntry[] = [
      ...runRows.map((r) => ({ ...r, actions: JSON.parse(r.actions) as unknown[] })),
      ...missRows.map((m) => ({
        id: m.id,
        rule_id: ruleId,
        event: m.event,
        conversation_id: m.conversation_id,
        contact_id: m.contact_id,
        depth: m.depth,
        outcome: 'not_matched',
        actions: [],
        error: null,
        created_at: m.created_at,
      })),
    ];
    return entries.sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  /** Removes evaluation logs older than `before` (the worker keeps KITH_AUTOMATION_LOG_DAYS). */
  async pruneLogs(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    const runs = await this.db
      .deleteFrom('automation_logs')
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    const misses = await this.db
      .deleteFrom('automation_misses')
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    return Number(runs.numDeletedRows) + Number(misses.numDeletedRows);
  }

  /**
   * Evaluates the rule against a conversation's (or, for contact events, a contact's) current state
   * without running anything. `before` gives earlier values (`{"status": "open"}`) so `changed*`
   * conditions can be tried.
   */
  async dryRun(
    id: string,
    input: {
      conversation_id?: string;
      contact_id?: string;
      before?: Record<string, unknown>;
      message?: DryRunMessage;
    },
  ): Promise<DryRunResult> {
    const rule = await this.get(id);
    let facts: Facts;
    let subjectId: string | null = null;
    let message: DryRunResult['message'] = null;
    if (CONTACT_EVENTS.has(rule.event)) {
      if (input.message)
        throw new ValidationError('message', input.message, `has no part in a ${rule.event} rule`);
      // Given for the wrong kind of rule it was ignored, and the answer read as if it had been tried.
      if (input.conversation_id !== undefined)
        throw new ValidationError(
          'conversation_id',
          input.conversation_id,
          `has no part in a ${rule.event} rule: give contact_id`,
        );
      if (!input.contact_id)
        throw new ValidationError('contact_id', null, `is required to try a ${rule.event} rule`);
      const contact = await this.contacts.get(input.contact_id);
      facts = {
        ...contactFacts(contact),
        ...purchaseFactsOf((await purchaseFactsFor(this.store.db, [contact.id])).get(contact.id)),
      };
    } else {
      if (!input.conversation_id)
        throw new ValidationError('conversation_id', null, `is required to try a ${rule.event} rule`);
      if (input.contact_id !== undefined)
        throw new ValidationError(
          'contact_id',
          input.contact_id,
          `has no part in a ${rule.event} rule: the conversation's own contact is used`,
        );
      const conversation = await this.conversations.get(input.conversation_id);
      subjectId = conversation.id;
      let contact: Contact | null = null;
      try {
        contact = await this.contacts.get(conversation.contact_id);
      } catch {
        contact = null;
      }
      const purchases = contact
        ? (await purchaseFactsFor(this.store.db, [contact.id])).get(contact.id)
        : undefined;
      if (input.message)
        message = { content: input.message.content, type: input.message.type ?? 'incoming', given: true };
      else if (MESSAGE_EVENTS.has(rule.event)) {
        const latest = (await this.conversations.messages(conversation.id)).at(-1);
        if (latest) message = { content: latest.content, type: latest.direction, given: false };
      }
      facts = {
        ...conversationFacts(conversation),
        ...contactFacts(contact),
        ...purchaseFactsOf(purchases),
        ...(message ? messageFacts({ content: message.content, direction: message.type }) : {}),
      };
    }
    const before = input.before ? { ...facts, ...input.before } : null;
    const trace = traceConditions(rule.conditions, { after: facts, before });
    let wouldSkip: DryRunResult['would_skip'] = rule.active ? null : 'inactive';
    if (!wouldSkip && rule.once_per_conversation && subjectId) {
      const ran = await this.db
        .selectFrom('automation_rule_runs')
        .select('rule_id')
        .where('rule_id', '=', id)
        .where('conversation_id', '=', subjectId)
        .executeTakeFirst();
      if (ran) wouldSkip = 'once_per_conversation';
    }
    return {
      rule_id: id,
      event: rule.event,
      matched: trace.matched,
      would_skip: wouldSkip,
      trace,
      actions: rule.actions,
      message,
    };
  }

  /** Agents and teams a rule names must exist when it is saved; webhooks must not go to internal addresses. */
  private async assertReferences(rule: RuleDefinition): Promise<void> {
    const errors: ValidationError[] = [];
    for (const [i, action] of rule.actions.entries()) {
      if (action.action === 'assign_agent' && action.agent_id !== null) {
        if (!(await isActiveUser(this.db, action.agent_id)))
          errors.push(
            new ValidationError(
              fieldPath('actions', i, 'agent_id'),
              action.agent_id,
              'is not an active user',
            ),
          );
      }
      if (action.action === 'assign_team' && action.team_id !== null) {
        const team = await this.db
          .selectFrom('teams')
          .select('id')
          .where('id', '=', action.team_id)
          .executeTakeFirst();
        if (!team)
          errors.push(
            new ValidationError(fieldPath('actions', i, 'team_id'), action.team_id, 'is not a team'),
          );
      }
      if (action.action === 'send_webhook') {
        const problem = this.outbound.urlProblem(action.url);
        if (problem) errors.push(new ValidationError(fieldPath('actions', i, 'url'), action.url, problem));
      }
    }
    if (errors.length > 0) throw new ValidationErrors(errors);
  }
}
