import type { Kysely } from 'kysely';

// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  // Agents are users: availability and capacity (maximum open conversations; null = no limit).
  await db.schema
    .alterTable('users')
    .addColumn('availability', 'text', (c) => c.notNull().defaultTo('offline'))
    .execute();
  await db.schema.alterTable('users').addColumn('capacity', 'integer').execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('inboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel_type', 'text', (c) => c.notNull())
    .addColumn('auto_assignment', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assignment_mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('inbox_members')
    .addColumn('inbox_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    // Round robin gives the next conversation to the member who waited longest since their last one.
    .addColumn('last_assigned_at', 'text')
    .addPrimaryKeyConstraint('inbox_members_pk', ['inbox_id', 'user_id'])
    .execute();
  await db.schema.createIndex('inbox_members_user').on('inbox_members').column('user_id').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('inbox_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('snoozed_until', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('priority', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    // Set while the conversation is open and unassigned: the assignment queue is served oldest first.
    .addColumn('waiting_since', 'text')
    .addColumn('last_message_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_contact').on('conversations').column('contact_id').execute();
  await db.schema
    .createIndex('conversations_assignee')
    .on('conversations')
    .columns(['assignee_id', 'status'])
    .execute();
  await db.schema
    .createIndex('conversations_queue')
    .on('conversations')
    .columns(['inbox_id', 'waiting_since'])
    .execute();
  await db.schema
    .createIndex('conversations_snoozed')
    .on('conversations')
    .columns(['status', 'snoozed_until'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('sender_type', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messages_conversation')
    .on('messages')
    .columns(['conversation_id', 'id'])
    .execute();

  await db.schema
    .createTable('conversation_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    // The agent a resolution counts for: reports never lose it when the conversation is unassigned later.
    .addColumn('credited_user_id', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('channel_ref', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversation_events_conversation')
    .on('conversation_events')
    .columns(['conversation_id', 'id'])
    .execute();
  await db.schema
    .createIndex('conversation_events_report')
    .on('conversation_events')
    .columns(['type', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('automation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('once_per_conversation', 'integer', (c) => c.notNull())
    .addColumn('failure_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deactivated_reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('automation_rule_runs')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('automation_rule_runs_pk', ['rule_id', 'conversation_id'])
    .execute();
  await db.schema
    .createTable('automation_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Evaluations that did not match, one row per change and event listing the rules: most evaluations do
  // not match, and one row each would multiply the writes of every change by the number of rules.
  await db.schema
    .createTable('automation_misses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('rule_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_logs_rule')
    .on('automation_logs')
    .columns(['rule_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'automation_misses',
    'automation_logs',
    'automation_rule_runs',
    'automation_rules',
    'conversation_events',
    'messages',
    'conversations',
    'inbox_members',
    'inboxes',
    'team_members',
    'teams',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('capacity').execute();
  await db.schema.alterTable('users').dropColumn('availability').execute();
}
