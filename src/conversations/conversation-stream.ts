/**
 * The conversation stream: one entry per committed conversation change (created, updated, message),
 * numbered in commit order, which the live stream (`GET /api/live`) tails so that a change made in any
 * process — `kith worker`, another `kith serve`, the CLI — reaches every connected browser.
 *
 * Numbers grow in commit order on both stores, as the contact change log's do: SQLite has one writer at
 * a time, and on PostgreSQL appending takes a transaction-scoped advisory lock held until commit, so a
 * reader that has seen seq N never later meets an entry below N. Appending is the last write of a
 * conversation's transaction, which keeps the lock short. Entries older than a day are pruned.
 */
import { startPeriodicTask } from '../jobs/periodic-task.js';
import type { Store } from '../store/database.js';
import { holdTransactionLock, type Queryable } from '../store/transaction.js';
import type { Conversation, Message } from './conversation-fields.js';
import { toConversation, toMessage } from './conversation-rows.js';

export type StreamKind = 'created' | 'updated' | 'message';

/** What a live client is sent: the change, the conversation as it is now, the message when one was added. */
export interface StreamEntry {
  seq: number;
  kind: StreamKind;
  inbox_id: string;
  conversation: Conversation;
  message: Message | null;
  at: string;
}

// Any fixed 64-bit number: the lock that orders appends to the stream ("kith", 2).
const APPEND_LOCK = 0x6b697468_0002;

/** Appends one entry; the caller's transaction must commit for it to exist. */
export async function appendStreamEntry(
  db: Queryable,
  entry: {
    conversation_id: string;
    inbox_id: string;
    kind: StreamKind;
    message_id?: string | null;
    at: string;
  },
): Promise<void> {
  await holdTransactionLock(db, APPEND_LOCK);
  const last = await db
    .selectFrom('conversation_stream')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  await db
    .insertInto('conversation_stream')
    .values({ ...entry, message_id: entry.message_id ?? null, seq: Number(last?.seq ?? 0) + 1 })
    .execute();
}

/** Reads the stream; one query per table for a whole batch, whatever the number of listeners. */
export class ConversationStream {
  constructor(private readonly store: Pick<Store, 'db'>) {}

  private get db() {
    return this.store.db;
  }

  /** The last number written (0 when nothing was). */
  async head(): Promise<number> {
    const last = await this.db
      .selectFrom('conversation_stream')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(last?.seq ?? 0);
  }

  /** The oldest number still kept: a client further behind must load its lists again. */
  async tail(): Promise<number> {
    const first = await this.db
      .selectFrom('conversation_stream')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .executeTakeFirst();
    return Number(first?.seq ?? 0);
  }

  /** Entries after `afterSeq`, oldest first, with each conversation as it is now and the added message. */
  async read(afterSeq: number, limit = 500): Promise<StreamEntry[]> {
    const rows = await this.db
      .selectFrom('conversation_stream')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const conversationIds = [...new Set(rows.map((r) => r.conversation_id))];
    const messageIds = rows.flatMap((r) => (r.message_id ? [r.message_id] : []));
    const conversations = new Map(
      (
        await this.db.selectFrom('conversations').selectAll().where('id', 'in', conversationIds).execute()
      ).map((r) => [r.id, toConversation(r)]),
    );
    const messages = new Map(
      messageIds.length === 0
        ? []
        : (await this.db.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute()).map(
            (r) => [r.id, toMessage(r)],
          ),
    );
    return rows.flatMap((r) => {
      const conversation = conversations.get(r.conversation_id);
      // A conversation deleted with its contact since: nothing left to show.
      if (!conversation) return [];
      return [
        {
          seq: Number(r.seq),
          kind: r.kind as StreamKind,
          inbox_id: r.inbox_id,
          conversation,
          message: r.message_id ? (messages.get(r.message_id) ?? null) : null,
          at: r.at,
        },
      ];
    });
  }

  /**
   * Who may see changes in these inboxes: the members of each (agents see their inboxes' conversations,
   * as ConversationService.list and get decide; admins see everything and are not listed).
   */
  async membersOf(inboxIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const members = new Map<string, Set<string>>(inboxIds.map((id) => [id, new Set<string>()]));
    if (inboxIds.length === 0) return members;
    const rows = await this.db
      .selectFrom('inbox_members')
      .select(['inbox_id', 'user_id'])
      .where('inbox_id', 'in', [...inboxIds])
      .execute();
    for (const r of rows) members.get(r.inbox_id)!.add(r.user_id);
    return members;
  }

  /** Drops entries older than `before` (ISO time); the newest entry is always kept so numbering goes on. */
  async prune(before: string): Promise<number> {
    const head = await this.head();
    const result = await this.db
      .deleteFrom('conversation_stream')
      .where('at', '<', before)
      .where('seq', '<', head)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Processes that run background work keep a day of the stream (a reconnecting browser needs minutes). */
export function startStreamRetention(
  stream: ConversationStream,
  log: (message: string, error?: unknown) => void,
): () => void {
  return startPeriodicTask(
    async () => {
      await stream.prune(new Date(Date.now() - 86_400_000).toISOString());
    },
    3_600_000,
    (e) => log('could not prune the conversation stream', e),
  );
}
