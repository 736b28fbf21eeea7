/**
 * What ConversationService tells its listeners (automation rules, then auto-assignment) after a change
 * has committed, and where the change came from: a person (depth 0) or a rule, so that a rule's own
 * changes do not trigger it again and chains across rules stop at a fixed depth.
 */
import type { Actor } from '../domain/actor.js';
import type { Conversation, Message } from './conversation-fields.js';

export interface ChangeOrigin {
  /** 0 for a change made by a person or a program; n + 1 for a change made by a rule running at depth n. */
  depth: number;
  /** The rules whose actions led to this change, outermost first. */
  ruleIds: readonly string[];
}

export const DIRECT_CHANGE: ChangeOrigin = { depth: 0, ruleIds: [] };

export type ConversationChange =
  | {
      kind: 'created';
      conversation: Conversation;
      message: Message | null;
      actor: Actor;
      origin: ChangeOrigin;
    }
  | {
      kind: 'updated';
      conversation: Conversation;
      before: Conversation;
      actor: Actor;
      origin: ChangeOrigin;
    }
  | { kind: 'message'; conversation: Conversation; message: Message; actor: Actor; origin: ChangeOrigin };

export interface ConversationListener {
  conversationChanged(change: ConversationChange): Promise<void>;
}
