/**
 * The flat facts a rule's conditions and message templates see, pure: conversation attributes by
 * their rule names (`status`, `labels`, `attr.<key>`), `contact.<field>` and `message.content` /
 * `message.type`.
 */
import type { Conversation, Message } from '../../conversations/conversation-fields.js';
import type { Contact } from '../../domain/contact/contact-fields.js';
import type { PurchaseFacts } from '../../orders/purchase-facts.js';
import type { Facts } from './evaluate-conditions.js';

export function conversationFacts(c: Conversation): Record<string, unknown> {
  const facts: Record<string, unknown> = {
    'conversation.id': c.id,
    status: c.status,
    assignee_id: c.assignee_id,
    team_id: c.team_id,
    inbox_id: c.inbox_id,
    labels: c.labels,
    priority: c.priority,
  };
  for (const [key, value] of Object.entries(c.attributes)) facts[`attr.${key}`] = value;
  return facts;
}

export function contactFacts(c: Contact | null): Record<string, unknown> {
  if (!c) return {};
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    if (key === 'identities' || key === 'attributes') continue;
    facts[`contact.${key}`] = value;
  }
  for (const [key, value] of Object.entries(c.attributes)) facts[`contact.attr.${key}`] = value;
  for (const [type, value] of Object.entries(c.identities)) facts[`contact.identity.${type}`] = value;
  return facts;
}

/**
 * `contact.orders_count`, `contact.total_spent` (a decimal string: conditions compare it as a number),
 * `contact.first_order_at`, `contact.last_order_at` (ISO times: compared as text, which is time order).
 */
export function purchaseFactsOf(facts: PurchaseFacts | undefined): Record<string, unknown> {
  if (!facts) return {};
  return {
    'contact.orders_count': facts.orders_count,
    'contact.total_spent': facts.total_spent,
    'contact.first_order_at': facts.first_order_at,
    'contact.last_order_at': facts.last_order_at,
  };
}

export function messageFacts(m: Pick<Message, 'content' | 'direction'> | null): Record<string, unknown> {
  return m ? { 'message.content': m.content, 'message.type': m.direction } : {};
}

/** `Hello {{contact.name}}` → `Hello Li Lei`; an unknown or empty name becomes empty text. */
export function renderTemplate(template: string, facts: Facts): string {
  return template.replace(/\{\{\s*([a-z0-9_.]+)\s*\}\}/gi, (_, name: string) => {
    const value = facts[name];
    if (value === null || value === undefined) return '';
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}
