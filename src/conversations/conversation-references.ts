/**
 * Conversations in the contacts capability's registry of contact references: a merge gives the
 * merged contacts' conversations (their messages and events belong to the conversation and move with
 * it) to the survivor; unmerge gives each back unless it was moved to another contact since.
 */
import { contactIdColumnReference } from '../store/contact-id-column.js';

export const conversationReference = contactIdColumnReference('conversations', 'conversations', ['id']);
