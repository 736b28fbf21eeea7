/**
 * AutomationRuleListener: hears every committed conversation and contact change and runs the active
 * rules for the events it raises, in rule order.
 *
 * - One change raises each event at most once (`conversation_updated` once however many attributes
 *   changed together), so a matching rule fires once per change. All rules see the change as it was
 *   committed, not what earlier rules did to it since; the attribute actions of all rules that matched
 *   (assign, team, labels, priority, status) are applied together as one change made by those rules,
 *   later rules winning on the same attribute. Messages, notes, webhooks and e-mail run as they come.
 * - A change made by a rule carries its chain: that rule is not run again on it, and rules stop at
 *   depth MAX_CHAIN_DEPTH (logged as `stopped_depth`).
 * - `once_per_conversation` is kept in `automation_rule_runs` (its primary key makes it hold across
 *   processes).
 * - Every evaluation is logged (rules that did not match: one `automation_misses` row per change and
 *   event). A failing action is logged and the next one still runs; a rule whose
 *   runs fail MAX_FAILURE_STREAK times in a row is deactivated and the admins are e-mailed.
 */
import type { ContactChangeEvent, ContactEventSubscriber } from '../contacts/contact-events.js';
import type {
  ChangeOrigin,
  ConversationChange,
  ConversationListener,
} from '../conversations/conversation-change.js';
import { DIRECT_CHANGE } from '../conversations/conversation-change.js';
import type { Conversation, Message } from '../conversations/conversation-fields.js';
import type { ContactService } from '../contacts/contact-service.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import { ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Mailer } from '../notifications/mailer.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import type { AutomationLogsTable } from '../store/schema.js';
import { nowIso } from '../store/transaction.js';
import {
  conversationPatchOf,
  describePatch,
  mergeConversationPatches,
  type RuleActionRunner,
} from './actions/rule-action-runner.js';
import type { AutomationRule, AutomationRuleService } from './automation-rule-service.js';
import { conditionsMatch, type Facts } from './rules/evaluate-conditions.js';
import { purchaseFactsFor } from '../orders/purchase-facts.js';
import { contactFacts, conversationFacts, messageFacts, purchaseFactsOf } from './rules/rule-facts.js';
import type { RuleEvent } from './rules/rule-definition.js';

/** Rules triggered by rules triggered by rules… stop here. */
export const MAX_CHAIN_DEPTH = 3;
/** Consecutive failing runs after which a rule is switched off. */
export const MAX_FAILURE_STREAK = 5;

export interface ActionResult {
  action: string;
  ok: boolean;
  detail?: string;
  error?: string;
}

interface Subject {
  conversation: Conversation | null;
  contact: Contact | null;
  message: Message | null;
  after: Facts;
  before: Facts | null;
  origin: ChangeOrigin;
}

/** The events one conversation change raises, in the order rules hear them. */
export function eventsOfChange(change: ConversationChange): RuleEvent[] {
  if (change.kind === 'created') return ['conversation_created'];
  if (change.kind === 'message') return ['message_created'];
  const events: RuleEvent[] = ['conversation_updated'];
  if (change.before.status !== change.conversation.status) {
    if (change.conversation.status === 'open') events.push('conversation_opened');
    if (change.conversation.status === 'resolved') events.push('conversation_resolved');
  }
  return events;
}

const CONTACT_CACHE_SIZE = 2_000;

export class AutomationRuleListener implements ConversationListener, ContactEventSubscriber {
  private readonly contactCache = new Map<string, Contact>();

  constructor(
    private readonly store: Store,
    private readonly rules: AutomationRuleService,
    private readonly contacts: ContactService,
    private readonly runner: RuleActionRunner,
    private readonly mailer: Mailer | null,
  ) {}

  private get db() {
    return this.store.db;
  }

  async conversationChanged(change: ConversationChange): Promise<void> {
    const events = eventsOfChange(change);
    const rulesByEvent = await Promise.all(events.map((e) => this.rules.activeFor(e)));
    if (rulesByEvent.every((r) => r.length === 0)) return;
    const contact = await this.contactOf(change.conversation.contact_id);
    const message = change.kind === 'message' || change.kind === 'created' ? change.message : null;
    const purchases = contact ? (await purchaseFactsFor(this.db, [contact.id])).get(contact.id) : undefined;
    const people = { ...contactFacts(contact), ...purchaseFactsOf(purchases) };
    const subject: Subject = {
      conversation: change.conversation,
      contact,
      message,
      after: { ...conversationFacts(change.conversation), ...people, ...messageFacts(message) },
      before: change.kind === 'updated' ? { ...conversationFacts(change.before), ...people } : null,
      origin: change.origin,
    };
    for (const [i, event] of events.entries()) await this.runRules(event, rulesByEvent[i]!, subject);
  }

  /**
   * Every created or updated contact, from every write path (an import's too, a batch at a time after
   * it committed), runs the active contact rules of its event.
   */
  async contactsChanged(changes: readonly ContactChangeEvent[]): Promise<void> {
    const [created, updated] = await Promise.all([
      this.rules.activeFor('contact_created'),
      this.rules.activeFor('contact_updated'),
    ]);
    if (created.length === 0 && updated.length === 0) return;
    // An order import's batch changes its buyers' facts in the same transaction: read them once.
    const purchases = await purchaseFactsFor(
      this.db,
      changes.map((c) => c.contact.id),
    );
    for (const change of changes) {
      const [event, rules]: [RuleEvent, AutomationRule[]] =
        change.kind === 'created' ? ['contact_created', created] : ['contact_updated', updated];
      if (rules.length === 0 || (change.kind !== 'created' && change.kind !== 'updated')) continue;
      if (!change.runAutomationRules) continue; // an import that asked not to (a migration)
      await this.runRules(event, rules, {
        conversation: null,
        contact: change.contact,
        message: null,
        after: { ...contactFacts(change.contact), ...purchaseFactsOf(purchases.get(change.contact.id)) },
        before: change.before
          ? { ...contactFacts(change.before), ...purchaseFactsOf(purchases.get(change.contact.id)) }
          : null,
        origin: DIRECT_CHANGE,
      });
    }
  }

  private async runRules(event: RuleEvent, rules: AutomationRule[], subject: Subject): Promise<void> {
    const logs: AutomationLogsTable[] = [];
    const missed: string[] = [];
    // Each run's log entry takes its place in the log when the rule ran, before the change it made.
    const ran: { rule: AutomationRule; results: ActionResult[]; id: string; at: string }[] = [];
    let pending: Record<string, unknown> = {};
    const contributors: string[] = [];
    const batched: ActionResult[] = [];
    const log = (
      rule: AutomationRule,
      outcome: string,
      actions: ActionResult[] = [],
      error: string | null = null,
      when: { id: string; at: string } = { id: newId('automationLog'), at: nowIso() },
    ) =>
      logs.push({
        id: when.id,
        rule_id: rule.id,
        event,
        conversation_id: subject.conversation?.id ?? null,
        contact_id: subject.contact?.id ?? null,
        depth: subject.origin.depth,
        outcome,
        actions: JSON.stringify(actions),
        error,
        created_at: when.at,
      });
    try {
      for (const rule of rules) {
        if (subject.origin.ruleIds.includes(rule.id)) {
          log(rule, 'skipped_own_change');
          continue;
        }
        if (subject.origin.depth >= MAX_CHAIN_DEPTH) {
          log(
            rule,
            'stopped_depth',
            [],
            `rule chain reached depth ${MAX_CHAIN_DEPTH}: ${subject.origin.ruleIds.join(' → ')}`,
          );
          continue;
        }
        if (!conditionsMatch(rule.conditions, subject)) {
          missed.push(rule.id);
          continue;
        }
        if (
          rule.once_per_conversation &&
          subject.conversation &&
          !(await this.claimOnce(rule.id, subject.conversation.id))
        ) {
          log(rule, 'skipped_once');
          continue;
        }
        const results: ActionResult[] = [];
        for (const action of rule.actions) {
          const patch = conversationPatchOf(action);
          if (patch && subject.conversation) {
            // Applied below, together with the other matching rules' attribute changes.
            pending = mergeConversationPatches(pending, patch);
            if (!contributors.includes(rule.id)) contributors.push(rule.id);
            const result: ActionResult = { action: action.action, ok: true, detail: describePatch(patch) };
            batched.push(result);
            results.push(result);
            continue;
          }
          try {
            const detail = await this.runner.run(action, {
              rule: { id: rule.id, name: rule.name },
              event,
              conversation: subject.conversation,
              contact: subject.contact,
              message: subject.message,
              facts: subject.after,
              origin: subject.origin,
            });
            results.push({ action: action.action, ok: true, detail });
          } catch (e) {
            results.push({
              action: action.action,
              ok: false,
              error: e instanceof Error ? e.message : String(e),
            });
          }
        }
        ran.push({ rule, results, id: newId('automationLog'), at: nowIso() });
      }
      if (contributors.length > 0 && subject.conversation) {
        const apply = (patch: Record<string, unknown>) =>
          this.runner.applyConversationPatch(subject.conversation!.id, patch, contributors, subject.origin);
        const failed = (results: ActionResult[], e: unknown) => {
          for (const result of results)
            Object.assign(result, { ok: false, error: e instanceof Error ? e.message : String(e) });
        };
        try {
          await apply(pending);
        } catch (e) {
          // An assignee this conversation refuses (an agent outside its inbox) fails the assignment
          // alone: the other rules' labels, status or priority still apply.
          const assignment = batched.filter((r) => r.action === 'assign_agent');
          if (
            e instanceof ValidationError &&
            e.field === 'assignee_id' &&
            assignment.length < batched.length
          ) {
            failed(assignment, e);
            const { assignee_id: _refused, ...rest } = pending;
            try {
              await apply(rest);
            } catch (again) {
              failed(
                batched.filter((r) => r.action !== 'assign_agent'),
                again,
              );
            }
          } else failed(batched, e);
        }
      }
      for (const { rule, results, id, at } of ran) {
        const failed = results.filter((r) => !r.ok);
        log(
          rule,
          'matched',
          results,
          failed.length > 0 ? failed.map((f) => `${f.action}: ${f.error}`).join('; ') : null,
          { id, at },
        );
        await this.recordRun(rule, failed.length > 0, failed[0]?.error);
      }
    } finally {
      if (logs.length > 0 || missed.length > 0)
        await this.db.transaction().execute(async (trx) => {
          const writer = this.store.rowWriter(trx);
          if (logs.length > 0) await writer.insert('automation_logs', logs);
          if (missed.length > 0)
            await writer.insert('automation_misses', [
              {
                id: newId('automationLog'),
                event,
                conversation_id: subject.conversation?.id ?? null,
                contact_id: subject.contact?.id ?? null,
                depth: subject.origin.depth,
                rule_ids: JSON.stringify(missed),
                created_at: nowIso(),
              },
            ]);
        });
    }
  }

  /**
   * The conversation's contact, reloaded only when it changed: rules cannot change contacts, so a chain
   * of rule changes on one conversation reads it once. Keyed by `updated_at`, which every write bumps.
   */
  private async contactOf(id: string): Promise<Contact | null> {
    const row = await this.db
      .selectFrom('contacts')
      .select('updated_at')
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    const cached = this.contactCache.get(id);
    if (cached && cached.updated_at === row.updated_at) return cached;
    const contact = await this.contacts.get(id).catch(() => null);
    if (contact) {
      this.contactCache.set(id, contact);
      if (this.contactCache.size > CONTACT_CACHE_SIZE)
        this.contactCache.delete(this.contactCache.keys().next().value!);
    }
    return contact;
  }

  private async claimOnce(ruleId: string, conversationId: string): Promise<boolean> {
    try {
      await this.db
        .insertInto('automation_rule_runs')
        .values({ rule_id: ruleId, conversation_id: conversationId, ran_at: nowIso() })
        .execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  private async recordRun(rule: AutomationRule, failed: boolean, error: string | undefined): Promise<void> {
    if (!failed) {
      if (rule.failure_streak > 0) {
        await this.db
          .updateTable('automation_rules')
          .set({ failure_streak: 0 })
          .where('id', '=', rule.id)
          .execute();
        rule.failure_streak = 0;
      }
      return;
    }
    const row = await this.db
      .updateTable('automation_rules')
      .set((eb) => ({ failure_streak: eb('failure_streak', '+', 1) }))
      .where('id', '=', rule.id)
      .returning('failure_streak')
      .executeTakeFirst();
    rule.failure_streak = row?.failure_streak ?? rule.failure_streak + 1;
    if (rule.failure_streak < MAX_FAILURE_STREAK) return;
    const reason = `deactivated after ${rule.failure_streak} failing runs in a row; last error: ${error ?? 'unknown'}`;
    const deactivated = await this.db
      .updateTable('automation_rules')
      .set({ active: 0, deactivated_reason: reason, updated_at: nowIso() })
      .where('id', '=', rule.id)
      .where('active', '=', 1)
      .executeTakeFirst();
    this.rules.invalidate();
    if (Number(deactivated.numUpdatedRows) > 0) await this.tellAdmins(rule, reason);
  }

  private async tellAdmins(rule: AutomationRule, reason: string): Promise<void> {
    if (!this.mailer) return;
    const admins = await this.db
      .selectFrom('users')
      .select('email')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .execute();
    if (admins.length === 0) return;
    try {
      await this.mailer.send({
        to: admins.map((a) => a.email).join(', '),
        subject: `Kith switched off the automation rule "${rule.name}"`,
        text: [
          `The automation rule "${rule.name}" (${rule.id}) was ${reason}.`,
          '',
          `Its evaluation log shows each failure: GET /api/rules/${rule.id}/logs`,
          `Fix it and switch it back on: PATCH /api/rules/${rule.id} {"active": true}`,
        ].join('\n'),
      });
    } catch (e) {
      process.stderr.write(
        `kith: could not e-mail the admins about rule ${rule.id}: ${(e as Error).message}\n`,
      );
    }
  }
}
