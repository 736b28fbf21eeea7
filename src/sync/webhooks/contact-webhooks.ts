/**
 * Contact events for webhook endpoints. Every contact write (API, CLI, import, undo, merge, unmerge,
 * batch delete, restore) reaches here after commit through the contacts capability's event bus, and
 * becomes at most one delivery per event name per write: `contact.created`, `contact.updated`,
 * `contact.deleted`, `contact.restored` carry a list of contacts (one for a single edit, up to a
 * batch of 1,000 for an import), `contact.merged` one delivery per survivor with the merged ids. An
 * endpoint that wants only an import's summary subscribes to `import.completed` and none of these.
 * Each contact carries the change feed's `cursor` and `hash` (`seq` and `content_hash` too, their
 * earlier names), so a subscriber that missed deliveries reads on from `GET /api/changes`.
 */
import type { ContactChangeEvent, ContactEventSubscriber } from '../../contacts/contact-events.js';
import type { WebhookEvent } from './webhook-events.js';
import type { WebhookService } from './webhook-service.js';

export interface ContactWebhook {
  event: WebhookEvent;
  data: Record<string, unknown>;
}

const EVENT_OF_KIND: Record<ContactChangeEvent['kind'], WebhookEvent> = {
  created: 'contact.created',
  updated: 'contact.updated',
  deleted: 'contact.deleted',
  restored: 'contact.restored',
  unmerged: 'contact.restored',
  merged_into: 'contact.merged',
};

/** The deliveries one write's events make (pure). */
export function contactWebhooks(events: readonly ContactChangeEvent[]): ContactWebhook[] {
  const lists = new Map<WebhookEvent, Record<string, unknown>[]>();
  const merges = new Map<string, { merge: string; seq: number; merged: string[]; at: string }>();
  for (const e of events) {
    const event = EVENT_OF_KIND[e.kind];
    if (event === 'contact.merged') {
      const survivor = e.survivor_id!;
      const merge = merges.get(survivor) ?? { merge: e.origin, seq: e.seq, merged: [], at: e.at };
      merge.merged.push(e.contact_id);
      merges.set(survivor, merge);
      continue;
    }
    const list = lists.get(event) ?? [];
    list.push({
      id: e.contact_id,
      // The change feed's cursor and hash, so a subscriber can read on from GET /api/changes.
      cursor: String(e.seq),
      hash: e.content_hash,
      seq: e.seq,
      kind: e.kind,
      origin: e.origin,
      fields: e.changes.map((c) => c.field),
      content_hash: e.content_hash,
      at: e.at,
    });
    lists.set(event, list);
  }
  return [
    ...[...lists].map(([event, contacts]) => ({ event, data: { contacts } })),
    ...[...merges].map(([survivor, m]) => ({
      event: 'contact.merged' as const,
      data: {
        survivor_id: survivor,
        merged_ids: m.merged,
        merge_id: m.merge.startsWith('merge:') ? m.merge.slice('merge:'.length) : null,
        origin: m.merge,
        cursor: String(m.seq),
        seq: m.seq,
        at: m.at,
      },
    })),
  ];
}

export class ContactWebhookPublisher implements ContactEventSubscriber {
  constructor(private readonly webhooks: WebhookService) {}

  async contactsChanged(events: readonly ContactChangeEvent[]): Promise<void> {
    for (const { event, data } of contactWebhooks(events))
      await this.webhooks.publish(event, data, { wait: false });
  }
}
