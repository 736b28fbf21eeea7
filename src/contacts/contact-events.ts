/**
 * Contact events: after a contact write commits, whatever path made it (API, CLI, import, undo,
 * merge, unmerge, batch delete, restore, conversations), the writer publishes its change-log entries
 * here, with the states before and after. Automation rules and webhooks subscribe. Bulk paths publish
 * a batch at a time (an import: each batch of up to 1,000 rows once it committed).
 */
import type { Actor } from '../domain/actor.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import type { ContactChangeEntry } from './contact-change-log.js';

export interface ContactChangeEvent extends ContactChangeEntry {
  actor: Actor;
  /** The contact after the change (a deleted or merged contact: as it was when it went). */
  contact: Contact;
  /** The contact before the change; null for a creation. */
  before: Contact | null;
  /** False when the write asked that automation rules not run for it (an import's setting). */
  runAutomationRules: boolean;
}

export interface ContactEventSubscriber {
  /** Called after commit with the events of one write, in change-log order. */
  contactsChanged(events: readonly ContactChangeEvent[]): Promise<void>;
}

export class ContactEventBus {
  private readonly subscribers: ContactEventSubscriber[] = [];

  subscribe(subscriber: ContactEventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  async publish(events: readonly ContactChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const subscriber of this.subscribers) {
      try {
        await subscriber.contactsChanged(events);
      } catch (e) {
        // The change has committed; a subscriber's failure is its own and must not undo or stop others.
        process.stderr.write(
          `kith: a contact event subscriber failed on ${events.length} change(s) from seq ${events[0]!.seq}: ${(e as Error).message}\n`,
        );
      }
    }
  }
}
