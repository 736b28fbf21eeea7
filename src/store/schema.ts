/**
 * Table types for Kysely. Timestamps are ISO-8601 UTC text (`2026-11-22T03:43:00.123Z`) on both
 * databases: one representation, lexicographic order equals time order, no driver-specific Date handling.
 * JSON columns are text holding JSON for the same reason.
 */
import type { Generated } from 'kysely';

export interface ContactsTable {
  id: string;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  gender: string | null;
  birthday: string | null;
  country: string | null;
  province: string | null;
  city: string | null;
  address: string | null;
  postcode: string | null;
  company: string | null;
  initial_source: string | null;
  initial_source_detail: string | null;
  campaign: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  created_by: string | null;
  updated_by: string | null;
  /** Set on a contact merged into another: its id keeps resolving to the survivor. */
  merged_into: string | null;
  /** JSON object of the custom attributes, keys sorted; null for none (see contacts/contact-attribute-sql.ts). */
  attributes: string | null;
}

/** Shared by contact_emails and contact_phones: one row per value, `deleted_at` mirrors the contact's. */
export interface ContactChannelTable {
  id: string;
  contact_id: string;
  value: string;
  is_primary: number;
  position: number;
  deleted_at: string | null;
}

export interface ContactIdentitiesTable {
  id: string;
  contact_id: string;
  type: string;
  value: string;
  deleted_at: string | null;
}

export interface IdentityTypesTable {
  key: string;
  label: string;
  builtin: number;
  created_at: string;
}

export interface AttributeDefinitionsTable {
  key: string;
  label: string;
  type: string;
  options: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface TagsTable {
  id: string;
  name: string;
  name_key: string;
  created_at: string;
  /**
   * Live contacts holding the tag, kept by the writers once per batch (src/contacts/tag-counts.ts,
   * migration 0023). On PostgreSQL the recent changes wait in tag_count_deltas: the count is this plus
   * their sum.
   */
  live_count: Generated<number>;
}

/** PostgreSQL only: per-statement changes to tags.live_count, folded in by readers now and then. */
export interface TagCountDeltasTable {
  tag_id: string;
  delta: number;
}

export interface ContactTagsTable {
  contact_id: string;
  tag_id: string;
  created_at: string;
}

export interface ContactGroupsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactGroupMembersTable {
  group_id: string;
  contact_id: string;
  added_at: string;
}

export interface ContactEventsTable {
  id: string;
  contact_id: string;
  type: string;
  occurred_at: string;
  actor_id: string | null;
  channel: string;
  channel_ref: string | null;
  data: string | null;
}

export interface AuditLogTable {
  id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  changes: string;
  actor_id: string | null;
  channel: string;
  channel_ref: string | null;
  created_at: string;
  /** Contact rows only: the change feed's position (grows in commit order) and the state's SHA-256. */
  seq: number | null;
  content_hash: string | null;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  /** online | busy | offline: only online agents are given conversations. */
  availability: string;
  /** Maximum open conversations assigned at once; null = no limit. */
  capacity: number | null;
  /** The web app's language for this user (en, zh); null follows the browser. */
  language: string | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a stolen database does not yield live sessions. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  /** The browser's User-Agent at sign-in, cut to USER_AGENT_CHARS; null before migration 0030. */
  user_agent: string | null;
  /** The client's address at sign-in (behind a trusted proxy: the one it names). */
  ip_address: string | null;
  /** Its last request, to the minute (auth/use-stamp.ts); null for sessions from before migration 0030. */
  last_seen_at: string | null;
}

/** Failed sign-in attempts of one account or client address (`src/auth/sign-in-throttle.ts`). */
export interface SignInThrottleTable {
  /** `account:<e-mail as sign-in folds it>` or `address:<client address, IPv6 by /64>`. */
  key: string;
  failures: number;
  last_failure_at: string;
  /** When a refused attempt on this key was last written to the audit log. */
  throttled_audited_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  subject_id: string;
  /** queued → running → done; a running job whose lease ran out is taken over (crash resume). */
  state: string;
  attempts: number;
  /**
   * Times it was found running under a lease that had run out (its process died before it finished):
   * taken over, or failed once the limit is reached. A job its worker put back (releaseJob) is not counted.
   */
  takeovers: number;
  /**
   * When its worker was told to stop at once and left it mid-batch (jobs/job-queue.ts abandonJobs): the
   * takeover after its lease is not counted in `takeovers`. Cleared when a worker claims it.
   */
  abandoned_at: string | null;
  locked_by: string | null;
  lease_until: string | null;
  last_error: string | null;
  /** What the handler last reported (JSON), and its outcome once done; imports keep theirs in `imports`. */
  progress: string | null;
  created_at: string;
  updated_at: string;
}

export interface ImportsTable {
  id: string;
  status: string;
  dry_run: number;
  file_name: string;
  file_size: number;
  /** JSON SourceInfo plus the stored file's path. */
  source: string;
  mapping: string;
  settings: string;
  warnings: string;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Data rows in the file, known once the first pass has read it. */
  total_rows: number | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Rows imported (created, updated or unchanged) with at least one warning (migration 0010). */
  warned: number;
  checkpoint_row: number;
  cancel_requested: number;
  error: string | null;
  undone_at: string | null;
  undo_report: string | null;
  /** A dry run's: the import that imported it for real (migration 0033); null until then. */
  imported_for_real_as: string | null;
  /** When the import's files were deleted (migration 0035); null while they are kept. */
  files_deleted_at: string | null;
  /** `expired` (the clean-up, after KITH_IMPORT_FILE_RETENTION_DAYS) or `deleted` (by an administrator). */
  /**
   * Where the time its files are kept starts when that is later than its end: the upgrade to migration
   * 0035, for an import that ended before it. Null for every later import.
   */
  files_kept_from: string | null;
  files_deleted_reason: string | null;
  /** The user who deleted them by hand; null for the clean-up (or the CLI). */
  files_deleted_by: string | null;
}

/** Columns migration 0012 added to `imports`; contact imports leave them to their defaults. */
export interface ImportKindColumns {
  /** `contacts` or `tmall_orders`. */
  kind: Generated<string>;
  /** JSON: what an order import found beyond its counts (items, buyers); null for contact imports. */
  summary: Generated<string | null>;
}

/** Amounts are integer minor units (bigint: PostgreSQL answers them as strings, read with Number()). */
export interface OrdersTable {
  id: string;
  source: string;
  order_number: string;
  contact_id: string;
  import_id: string | null;
  status: string;
  source_status: string | null;
  currency: string;
  goods_cents: number | string | null;
  postage_cents: number | string | null;
  total_cents: number | string | null;
  paid_cents: number | string | null;
  ordered_at: string | null;
  paid_at: string | null;
  shipped_at: string | null;
  completed_at: string | null;
  closed_at: string | null;
  buyer_nick: string | null;
  receiver_name: string | null;
  receiver_phone: string | null;
  receiver_address: string | null;
  shop_id: string | null;
  shop_name: string | null;
  buyer_message: string | null;
  seller_note: string | null;
  /** JSON object of the source's other columns, as written. */
  extra: string;
  /** JSON array of the order's items. */
  items: string;
  item_count: number;
  /** Hash of everything the source said, so a re-import of the same order is `unchanged`. */
  content_hash: string;
  created_at: string;
  updated_at: string;
}

export interface ContactPurchaseFactsTable {
  contact_id: string;
  orders_count: number;
  total_spent_cents: number | string;
  first_order_at: string | null;
  last_order_at: string | null;
}

export interface ImportRowsTable {
  import_id: string;
  row_number: number;
  action: string;
  contact_id: string | null;
  /** JSON FieldChange[] of an update, for undo. */
  changes: string | null;
  error: string | null;
  warning: string | null;
  /** JSON cells of a failed row, for the failure file. */
  cells: string | null;
}

export interface DuplicateScansTable {
  id: string;
  /** The scan's number, in order (stored pairs refer to their scan by it; migration 0024). */
  seq: number;
  /** The highest pair number given out when this scan was saved: pair numbers are never reused. */
  last_pair: number;
  /** full | incremental */
  kind: string;
  started_at: string;
  finished_at: string;
  contacts: number;
  compared: number;
  pairs: number;
  clusters: number;
  /** JSON BlockingRule[] used. */
  blocking: string;
  /** JSON TrainedModel: reused by incremental scans and the duplicate check. */
  model: string;
  created_by: string | null;
}

/** Compact since migration 0024 (see src/dedupe/stored-pairs.ts for the codes). */
export interface DuplicatePairsTable {
  /** Handed out as `dup_<id>`. */
  id: number;
  /** The two contacts, contact_a < contact_b. */
  contact_a: string;
  contact_b: string;
  /** 32-bit hashes of contact_a and contact_b, indexed in their place. */
  a_key: number;
  b_key: number;
  /** Probability in millionths. */
  score: number;
  /** 0 match, 1 review */
  band: number;
  /** Level per field in the scan model's order (src/dedupe/model/pair-explanation.ts). */
  explanation: string;
  /** The number of the cluster's first pair (`dcl_<n>`), null outside a cluster. */
  cluster: number | null;
  /** 0 open, 1 not_duplicate, 2 skipped, 3 merged */
  status: number;
  /** duplicate_scans.seq of the scan that found it (its time is the pair's creation time). */
  scan: number;
  decided_at: string | null;
  decided_by: string | null;
}

export interface ContactMergesTable {
  id: string;
  survivor_id: string;
  /** JSON string[]. */
  merged_ids: string;
  /** JSON MergeRecord. */
  record: string;
  created_by: string | null;
  created_at: string;
  undone_at: string | null;
  undone_by: string | null;
}

export interface ContactDeletionsTable {
  id: string;
  /** JSON string[]. */
  contact_ids: string;
  count: number;
  /** JSON: the ids or filter that selected them. */
  selection: string;
  backup_path: string;
  created_by: string | null;
  created_at: string;
  restore_until: string;
  restored_at: string | null;
  restored_by: string | null;
}

export interface TeamsTable {
  id: string;
  name: string;
  name_key: string;
  created_at: string;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  added_at: string;
}

export interface InboxesTable {
  id: string;
  name: string;
  name_key: string;
  /** api: other systems post customer messages through the API. */
  channel_type: string;
  auto_assignment: number;
  /** round_robin | balanced */
  assignment_mode: string;
  created_at: string;
  updated_at: string;
}

export interface InboxMembersTable {
  inbox_id: string;
  user_id: string;
  added_at: string;
  last_assigned_at: string | null;
}

export interface ConversationsTable {
  id: string;
  inbox_id: string;
  contact_id: string;
  /** open | pending | snoozed | resolved */
  status: string;
  snoozed_until: string | null;
  assignee_id: string | null;
  team_id: string | null;
  /** low | medium | high | urgent, or null */
  priority: string | null;
  /** JSON string[], sorted. */
  labels: string;
  /** JSON object. */
  attributes: string;
  /** Set while open and unassigned: the queue is served oldest first. */
  waiting_since: string | null;
  last_message_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** incoming | outgoing | note */
  direction: string;
  content: string;
  /** contact | user | automation */
  sender_type: string;
  sender_id: string | null;
  created_at: string;
}

export interface ConversationEventsTable {
  id: string;
  conversation_id: string;
  /** created | status_changed | assigned | team_changed | labels_changed | priority_changed */
  type: string;
  /** JSON {from, to, …}. */
  data: string;
  /** The agent the event counts for in reports: who resolved (status_changed to resolved), the new assignee (assigned). */
  credited_user_id: string | null;
  actor_id: string | null;
  channel: string;
  channel_ref: string | null;
  occurred_at: string;
}

/** One row per committed conversation change, numbered in commit order: what the live stream tails. */
export interface ConversationStreamTable {
  seq: number;
  conversation_id: string;
  inbox_id: string;
  /** created | updated | message */
  kind: string;
  message_id: string | null;
  at: string;
}

export interface AutomationRulesTable {
  id: string;
  name: string;
  event: string;
  /** JSON ConditionGroup. */
  conditions: string;
  /** JSON RuleAction[]. */
  actions: string;
  active: number;
  position: number;
  once_per_conversation: number;
  /** Consecutive runs with a failed action; the rule is deactivated when it reaches the limit. */
  failure_streak: number;
  deactivated_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface AutomationRuleRunsTable {
  rule_id: string;
  conversation_id: string;
  ran_at: string;
}

export interface AutomationLogsTable {
  id: string;
  rule_id: string;
  event: string;
  conversation_id: string | null;
  contact_id: string | null;
  depth: number;
  /** matched | skipped_own_change | skipped_once | stopped_depth (not_matched: automation_misses) */
  outcome: string;
  /** JSON ActionResult[]. */
  actions: string;
  error: string | null;
  created_at: string;
}

/** Rules evaluated on one change and event whose conditions did not match (ids share the log's sequence). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  /** The signing secret, sealed under KITH_SECRET_KEY when `secret_sealed` is 1 (else as given). */
  secret: string;
  secret_sealed: number;
  description: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event: string;
  /** The exact JSON body sent (and signed) on every attempt. */
  body: string;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  /** A process sending it holds it until then; after, another may try. */
  claimed_until: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AutomationMissesTable {
  id: string;
  event: string;
  conversation_id: string | null;
  contact_id: string | null;
  depth: number;
  /** JSON string[]. */
  rule_ids: string;
  created_at: string;
}

/** A background export: what was asked (kind, format, request JSON), by whom, its job and its file. */
export interface ExportsTable {
  id: string;
  /** contacts or orders. */
  kind: string;
  format: string;
  /** The filters and columns asked for (JSON). */
  request: string;
  requested_by: string | null;
  job_id: string;
  /** The download's file name (the file itself is KITH_DATA_DIR/exports/<id>). */
  file_name: string;
  rows: number | null;
  bytes: number | null;
  created_at: string;
  finished_at: string | null;
  /** When the file is pruned (set once written). */
  expires_at: string | null;
  pruned_at: string | null;
  /** When its file was deleted before it expired, and by whom (migration 0036). */
  deleted_at: string | null;
  deleted_by: string | null;
}

/** A two-way sync connection (migration 0015); `credentials` is AES-256-GCM ciphertext. */
export interface SyncConnectionsTable {
  id: string;
  kind: string;
  url: string;
  username: string;
  collection: string;
  direction: string;
  conflict_policy: string;
  credentials: string;
  feed_cursor: string;
  sync_token: string | null;
  /** 1: paused (no run starts), 0: active. */
  paused: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A card a connection knows: where it is, its ETag, the card as last seen, the contact's hash then. */
export interface SyncCardsTable {
  connection_id: string;
  href: string;
  uid: string;
  contact_id: string | null;
  etag: string | null;
  card: string | null;
  contact_hash: string | null;
  updated_at: string;
}

export interface SyncRunsTable {
  id: string;
  connection_id: string;
  state: string;
  phase: string | null;
  /** JSON object of counters. */
  counts: string;
  error: string | null;
  started_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SyncConflictsTable {
  id: string;
  connection_id: string;
  run_id: string | null;
  contact_id: string | null;
  href: string;
  policy: string;
  winner: string;
  /** JSON of the contact's state. */
  kith_version: string | null;
  /** The server's card. */
  remote_version: string | null;
  created_at: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: string | null;
  content_type: string | null;
  created_at: string;
}

/** An import mapping saved under a name (column → target as JSON), shared by all administrators. */
export interface SavedImportMappingsTable {
  id: string;
  name: string;
  /** The name case-folded and trimmed: unique, so "Shopify" and "shopify " are one name. */
  name_key: string;
  mapping: string;
  created_by: string | null;
  created_at: string;
  updated_by: string | null;
  updated_at: string;
}

/** An invitation to become a user: only the one-time token's sha256 is kept. */
export interface UserInvitesTable {
  id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: string;
  sent_at: string | null;
  expires_at: string;
  accepted_at: string | null;
  accepted_user_id: string | null;
  revoked_at: string | null;
}

export interface KithDatabase {
  automation_misses: AutomationMissesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  inboxes: InboxesTable;
  inbox_members: InboxMembersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_events: ConversationEventsTable;
  conversation_stream: ConversationStreamTable;
  automation_rules: AutomationRulesTable;
  automation_rule_runs: AutomationRuleRunsTable;
  automation_logs: AutomationLogsTable;
  duplicate_scans: DuplicateScansTable;
  duplicate_pairs: DuplicatePairsTable;
  contact_merges: ContactMergesTable;
  contact_deletions: ContactDeletionsTable;
  jobs: JobsTable;
  imports: ImportsTable & ImportKindColumns;
  import_rows: ImportRowsTable;
  orders: OrdersTable;
  contact_purchase_facts: ContactPurchaseFactsTable;
  contacts: ContactsTable;
  contact_emails: ContactChannelTable;
  contact_phones: ContactChannelTable;
  contact_identities: ContactIdentitiesTable;
  identity_types: IdentityTypesTable;
  attribute_definitions: AttributeDefinitionsTable;
  tags: TagsTable;
  tag_count_deltas: TagCountDeltasTable;
  contact_tags: ContactTagsTable;
  contact_groups: ContactGroupsTable;
  contact_group_members: ContactGroupMembersTable;
  contact_events: ContactEventsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  exports: ExportsTable;
  sync_connections: SyncConnectionsTable;
  sync_cards: SyncCardsTable;
  sync_runs: SyncRunsTable;
  sync_conflicts: SyncConflictsTable;
  saved_import_mappings: SavedImportMappingsTable;
  user_invites: UserInvitesTable;
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  /** Kysely's own bookkeeping, listed so raw health checks type-check. */
  kysely_migration: { name: string; timestamp: Generated<string> };
}
