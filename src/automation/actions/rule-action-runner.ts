/**
 * RuleActionRunner: carries out one action of a rule. Conversation actions go through
 * ConversationService as the rule (`channel: automation`, `channel_ref: <rule id>`) one level deeper in
 * the chain, so the rule's own changes do not trigger it again. Webhooks are signed and go out through
 * OutboundHttp (never to internal addresses); e-mail goes through SMTP_URL. A failure throws; the listener logs it and goes on with the next action.
 */
import crypto from 'node:crypto';
import type { ChangeOrigin } from '../../conversations/conversation-change.js';
import type { Conversation, Message } from '../../conversations/conversation-fields.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { Contact } from '../../domain/contact/contact-fields.js';
import type { Actor } from '../../domain/actor.js';
import type { Mailer } from '../../notifications/mailer.js';
import type { Facts } from '../rules/evaluate-conditions.js';
import type { OutboundHttp } from '../../sync/outbound/outbound-http.js';
import { signWebhook } from '../../sync/webhooks/webhook-signature.js';
import { renderTemplate } from '../rules/rule-facts.js';
import type { RuleAction, RuleEvent } from '../rules/rule-definition.js';

export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface ActionContext {
  rule: { id: string; name: string };
  event: RuleEvent;
  conversation: Conversation | null;
  contact: Contact | null;
  message: Message | null;
  facts: Facts;
  /** The origin of the change the rule reacted to. */
  origin: ChangeOrigin;
}

/** The conversation change an attribute action makes, or null for actions that do something else. */
export function conversationPatchOf(action: RuleAction): Record<string, unknown> | null {
  switch (action.action) {
    case 'assign_agent':
      return { assignee_id: action.agent_id };
    case 'assign_team':
      return { team_id: action.team_id };
    case 'add_label':
      return { add_labels: action.labels };
    case 'remove_label':
      return { remove_labels: action.labels };
    case 'set_priority':
      return { priority: action.priority };
    case 'change_status':
      return {
        status: action.status,
        ...(action.status === 'snoozed' && action.snoozed_until
          ? { snoozed_until: action.snoozed_until }
          : {}),
      };
    default:
      return null;
  }
}

/** `add_labels vip; priority high`: what an attribute change did, for the evaluation log. */
export function describePatch(patch: Record<string, unknown>): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

/**
 * Folds one more attribute change into the pending one: later rules win on the same attribute, and a
 * label added after being removed (or the reverse) ends as the later action says.
 */
export function mergeConversationPatches(
  pending: Record<string, unknown>,
  next: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...pending, ...next };
  const add = new Set<string>((pending.add_labels as string[] | undefined) ?? []);
  const remove = new Set<string>((pending.remove_labels as string[] | undefined) ?? []);
  for (const l of (next.add_labels as string[] | undefined) ?? []) {
    add.add(l);
    remove.delete(l);
  }
  for (const l of (next.remove_labels as string[] | undefined) ?? []) {
    remove.add(l);
    add.delete(l);
  }
  if (add.size > 0) merged.add_labels = [...add];
  else delete merged.add_labels;
  if (remove.size > 0) merged.remove_labels = [...remove];
  else delete merged.remove_labels;
  if (merged.status !== undefined && merged.status !== 'snoozed') delete merged.snoozed_until;
  return merged;
}

export class RuleActionRunner {
  constructor(
    private readonly conversations: ConversationService,
    private readonly mailer: Mailer | null,
    private readonly outbound: OutboundHttp,
  ) {}

  /**
   * Applies the attribute changes of every rule that matched one event as one change, made by those
   * rules together: one transaction and one `conversation_updated` at the next depth, instead of one
   * per action.
   */
  async applyConversationPatch(
    conversationId: string,
    patch: Record<string, unknown>,
    ruleIds: string[],
    origin: ChangeOrigin,
  ): Promise<void> {
    const actor: Actor = { userId: null, channel: 'automation', channelRef: ruleIds.join(',') };
    await this.conversations.update(conversationId, patch, actor, {
      origin: { depth: origin.depth + 1, ruleIds: [...origin.ruleIds, ...ruleIds] },
    });
  }

  /** Runs the action; returns a short note of what it did. */
  async run(action: RuleAction, ctx: ActionContext): Promise<string> {
    const actor: Actor = { userId: null, channel: 'automation', channelRef: ctx.rule.id };
    const origin: ChangeOrigin = {
      depth: ctx.origin.depth + 1,
      ruleIds: [...ctx.origin.ruleIds, ctx.rule.id],
    };
    const patch = conversationPatchOf(action);
    if (patch) {
      // The listener batches these across rules; this path serves a single action on its own.
      await this.applyConversationPatch(this.conversationOf(ctx).id, patch, [ctx.rule.id], ctx.origin);
      return describePatch(patch);
    }
    switch (action.action) {
      case 'send_message':
      case 'add_note': {
        const message = await this.conversations.addMessage(
          this.conversationOf(ctx).id,
          {
            direction: action.action === 'send_message' ? 'outgoing' : 'note',
            content: renderTemplate(action.content, ctx.facts),
          },
          actor,
          { origin },
        );
        return `message ${message.id}`;
      }
      case 'send_webhook':
        return this.sendWebhook(action, ctx);
      case 'send_email': {
        if (!this.mailer) throw new Error('e-mail is not configured: set SMTP_URL');
        await this.mailer.send({
          to: action.to.join(', '),
          subject: renderTemplate(action.subject, ctx.facts),
          text: renderTemplate(action.body, ctx.facts),
        });
        return `e-mail to ${action.to.join(', ')}`;
      }
      default:
        throw new Error(`unknown action ${action.action}`);
    }
  }

  private conversationOf(ctx: ActionContext): Conversation {
    if (!ctx.conversation) throw new Error(`${ctx.event} has no conversation to act on`);
    return ctx.conversation;
  }

  private async sendWebhook(
    action: Extract<RuleAction, { action: 'send_webhook' }>,
    ctx: ActionContext,
  ): Promise<string> {
    const delivery = crypto.randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({
      id: delivery,
      event: ctx.event,
      rule: ctx.rule,
      conversation: ctx.conversation,
      contact: ctx.contact,
      message: ctx.message,
      sent_at: new Date().toISOString(),
    });
    // Its sealed secret could not be opened (KITH_SECRET_KEY changed): nothing to sign with.
    const secretError = (action as { secret_error?: string }).secret_error;
    if (secretError) throw new Error(`webhook ${action.url}: ${secretError}`);
    const response = await this.outbound.send(action.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Kith-Webhook/1',
        'x-kith-event': ctx.event,
        'x-kith-delivery': delivery,
        'x-kith-timestamp': timestamp,
        'x-kith-signature': signWebhook(action.secret, timestamp, body),
      },
      body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
    });
    if (!response.ok) throw new Error(`webhook ${action.url}: ${response.error}`);
    return `webhook ${response.status}`;
  }
}
