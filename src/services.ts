/**
 * The composition root: one place that wires the store to the services every entry point
 * (HTTP server, CLI, workers) uses, passes each its settings from the config, and starts the
 * background tasks. Entry points never reach past these services into SQL (an ESLint rule keeps
 * `src/server` and `src/cli` from importing `src/store` or Kysely).
 */
import path from 'node:path';
import { ApiTokenService } from './auth/api-token-service.js';
import { SessionService } from './auth/session-service.js';
import { SignInThrottle } from './auth/sign-in-throttle.js';
import { SetupService } from './auth/setup-service.js';
import { UserService } from './auth/user-service.js';
import type { KithConfig } from './config.js';
import { RuleActionRunner } from './automation/actions/rule-action-runner.js';
import { AutoAssignmentService } from './automation/assignment/auto-assignment-service.js';
import { startAutomationLogRetention } from './automation/automation-log-retention.js';
import { AutomationRuleListener } from './automation/automation-rule-listener.js';
import { AutomationRuleService } from './automation/automation-rule-service.js';
import { AgentService } from './conversations/agent-service.js';
import { ConversationService } from './conversations/conversation-service.js';
import { ConversationStream, startStreamRetention } from './conversations/conversation-stream.js';
import { InboxService } from './conversations/inbox-service.js';
import { startSnoozeWakeUps } from './conversations/snooze-schedule.js';
import { TeamService } from './conversations/team-service.js';
import { contactAttributeValues } from './contacts/contact-attribute-sql.js';
import { ContactBatchDeleteService } from './contacts/contact-batch-delete-service.js';
import { ContactService } from './contacts/contact-service.js';
import { conversationReference } from './conversations/conversation-references.js';
import { duplicatePairReference } from './dedupe/merge/duplicate-pair-reference.js';
import { contactTimelineReference } from './history/contact-timeline.js';
import { importRowReference } from './imports/import-row-references.js';
import { groupMemberReference } from './segments/group-member-references.js';
import { orderReference } from './orders/order-references.js';
import { purchaseFactsListMembers } from './orders/purchase-facts.js';
import { OrderService } from './orders/order-service.js';
import {
  TMALL_IMPORT_JOB_KIND,
  TMALL_IMPORT_KIND,
  TmallOrderImportPipeline,
} from './orders/tmall-order-import.js';
import {
  GenericOrderImportPipeline,
  ORDER_IMPORT_JOB_KIND,
  ORDER_IMPORT_KIND,
} from './orders/generic-order-import.js';
import { ContactMergeService } from './dedupe/contact-merge-service.js';
import { DuplicateCheckService } from './dedupe/duplicate-check-service.js';
import {
  duplicateScanGivenUp,
  MERGE_MATCHES_JOB_KIND,
  mergeMatchesGivenUp,
  runDuplicateScanJob,
  runMergeMatchesJob,
} from './dedupe/duplicate-jobs.js';
import { DUPLICATE_SCAN_JOB_KIND, startDuplicateScanSchedule } from './dedupe/duplicate-scan-schedule.js';
import { DuplicateScanService } from './dedupe/duplicate-scan-service.js';
import { SYSTEM_ACTOR } from './domain/actor.js';
import { DuplicateSettingsService } from './dedupe/duplicate-settings-service.js';
import { AttributeDefinitionService } from './customization/attribute-definition-service.js';
import { IdentityTypeService } from './customization/identity-type-service.js';
import { ContactImportPipeline } from './imports/contact-import-pipeline.js';
import { OutboundHttp } from './sync/outbound/outbound-http.js';
import { CardDavSyncRun } from './sync/carddav/carddav-sync-run.js';
import { SYNC_JOB_KIND, SyncConnectionService } from './sync/carddav/sync-connection-service.js';
import { SecretBox } from './sync/carddav/sync-secrets.js';
import { startWebhookDeliveries } from './sync/webhooks/webhook-deliveries.js';
import { ContactWebhookPublisher } from './sync/webhooks/contact-webhooks.js';
import { WebhookService } from './sync/webhooks/webhook-service.js';
import { ImportEndedNotifier } from './imports/import-ended-notifier.js';
import { IMPORT_JOB_KIND, ImportService } from './imports/import-service.js';
import { SavedMappingService } from './imports/saved-mapping-service.js';
import { STAGED_UPLOAD_MAX_AGE_MS, StagedUploads } from './imports/staged-uploads.js';
import { InviteService } from './auth/invite-service.js';
import { type AuditPage, type AuditSearch, searchAuditLog } from './history/audit-search.js';
import { type JobLease, jobLeaseOf, whyNoJobRan } from './jobs/job-lease.js';
import { type JobGivenUpHook, type JobHandler, JobRunner, type JobRunnerOptions } from './jobs/job-runner.js';
import { createMailer } from './notifications/mailer.js';
import { ContactExportService } from './exports/contact-export-service.js';
import { ExportFileStore } from './exports/export-file-store.js';
import { EXPORT_JOB_KIND, ExportJobService } from './exports/export-job-service.js';
import { OrderExportService } from './exports/order-export.js';
import { startPeriodicTask } from './jobs/periodic-task.js';
import { ChangeFeed } from './sync/change-feed.js';
import { IdempotencyKeys } from './sync/idempotency-keys.js';
import { GroupService } from './segments/group-service.js';
import { TagService } from './segments/tag-service.js';
import { openStore, type Store } from './store/database.js';
import { type MigrationReport, migrateToLatest } from './store/migrator.js';

export interface KithServices {
  config: KithConfig;
  store: Store;
  contacts: ContactService;
  identityTypes: IdentityTypeService;
  attributes: AttributeDefinitionService;
  tags: TagService;
  groups: GroupService;
  /** Contacts exports in CSV, XLSX, JSON, NDJSON and XML. */
  exports: ContactExportService;
  /** Orders exports in CSV, XLSX, JSON and NDJSON. */
  orderExports: OrderExportService;
  /** Background exports: a job writes the file, kept KITH_EXPORT_RETENTION_DAYS for download. */
  exportJobs: ExportJobService;
  /** The contact change feed read from a cursor (`GET /api/changes`, `kith changes`). */
  changes: ChangeFeed;
  /** First answers of API writes sent with an Idempotency-Key, replayed for 24 hours. */
  idempotencyKeys: IdempotencyKeys;
  users: UserService;
  sessions: SessionService;
  tokens: ApiTokenService;
  setup: SetupService;
  signInThrottle: SignInThrottle;
  auditLog: { search(search: AuditSearch): Promise<AuditPage> };
  imports: ImportService;
  /** Import mappings saved under a name, shared by administrators. */
  savedMappings: SavedMappingService;
  /** Files uploaded once for a preview, then named by handle for the dry run and the run. */
  importUploads: StagedUploads;
  /** Invitations by e-mail: a one-time link to choose a name and password. */
  invites: InviteService;
  importPipeline: ContactImportPipeline;
  orders: OrderService;
  tmallImportPipeline: TmallOrderImportPipeline;
  /** A generic order file's import job (any shop's CSV/XLSX through a mapping). */
  orderImportPipeline: GenericOrderImportPipeline;
  webhooks: WebhookService;
  /** Two-way sync connections (CardDAV): connections, runs (jobs), conflicts. */
  sync: SyncConnectionService;
  duplicateSettings: DuplicateSettingsService;
  duplicateScans: DuplicateScanService;
  duplicateCheck: DuplicateCheckService;
  merges: ContactMergeService;
  batchDeletes: ContactBatchDeleteService;
  conversations: ConversationService;
  /** What the live stream (`GET /api/live`) tails: every committed conversation change, in order. */
  conversationStream: ConversationStream;
  inboxes: InboxService;
  teams: TeamService;
  agents: AgentService;
  rules: AutomationRuleService;
  autoAssignment: AutoAssignmentService;
  /** Handlers for every job kind, for `kith serve`, `kith worker` and foreground runs. */
  jobHandlers: Record<string, JobHandler>;
  /** Per job kind, how its owner ends the record people see when the runner gives a job up. */
  jobGivenUp: Record<string, JobGivenUpHook>;
  jobs: {
    /** A runner of `handlers` (default: every job kind) with the configured lease. */
    runner(options?: JobRunnerOptions & { handlers?: Record<string, JobHandler> }): JobRunner;
    /** The lease of the job working on `subjectId`, for people (`kith imports show`). */
    leaseOf(kind: string, subjectId: string): Promise<JobLease | null>;
    /** Why a runner found nothing to run (`kith worker --once`). */
    whyNoneRan(): Promise<string>;
  };
  close(): Promise<void>;
}

export function createServices(config: KithConfig, store: Store): KithServices {
  const db = store.db;
  const contacts = new ContactService(store, config.defaultRegion);
  // Everything that points at a contact, so merges, unmerges, deletes and restores carry it.
  contacts.references.register(contactTimelineReference);
  contacts.references.register(importRowReference);
  contacts.references.register(conversationReference);
  contacts.references.register(groupMemberReference);
  contacts.references.register(duplicatePairReference);
  contacts.references.register(orderReference);
  contacts.listMembers.register(purchaseFactsListMembers);
  // Scans of the job runner and the API run on a thread of their own, which opens the store again.
  const duplicateScans = new DuplicateScanService(store, {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    readTimeoutMs: config.readTimeoutMs,
  });
  const merges = new ContactMergeService(store, contacts.writer);
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  // Every outgoing HTTP request goes through this one guard.
  const outbound = new OutboundHttp(config.outbound);
  const secretBox = new SecretBox(config.secretKey);
  const webhooks = new WebhookService(store, outbound, secretBox);
  const identityTypes = new IdentityTypeService(db);
  const sync = new SyncConnectionService(store, outbound, secretBox, identityTypes);
  const jobHandlers: Record<string, JobHandler> = {
    [IMPORT_JOB_KIND]: (ctx) => importPipeline.run(ctx.job.subject_id, ctx),
    [TMALL_IMPORT_JOB_KIND]: (ctx) => tmallImportPipeline.run(ctx.job.subject_id, ctx),
    [ORDER_IMPORT_JOB_KIND]: (ctx) => orderImportPipeline.run(ctx.job.subject_id, ctx),
    [SYNC_JOB_KIND]: async (ctx) => {
      const run = await sync.getRun(ctx.job.subject_id);
      await new CardDavSyncRun(store, sync, contacts, outbound, run.connection_id, run.id, ctx).execute();
    },
    [DUPLICATE_SCAN_JOB_KIND]: (ctx) => runDuplicateScanJob(duplicateScans, ctx, SYSTEM_ACTOR),
    [MERGE_MATCHES_JOB_KIND]: (ctx) => runMergeMatchesJob(duplicateScans, merges, ctx),
    [EXPORT_JOB_KIND]: (ctx) => exportJobs.run(ctx),
  };
  // A job whose process kept dying is failed, not run again: its kind's owner ends what people see.
  const jobGivenUp: Record<string, JobGivenUpHook> = {
    [IMPORT_JOB_KIND]: (job, stops) => importPipeline.givenUp(job.subject_id, stops),
    [TMALL_IMPORT_JOB_KIND]: (job, stops) => tmallImportPipeline.givenUp(job.subject_id, stops),
    [ORDER_IMPORT_JOB_KIND]: (job, stops) => orderImportPipeline.givenUp(job.subject_id, stops),
    [SYNC_JOB_KIND]: (job, stops) => sync.runGivenUp(job.subject_id, stops),
    [DUPLICATE_SCAN_JOB_KIND]: (_job, stops) => duplicateScanGivenUp(stops),
    [MERGE_MATCHES_JOB_KIND]: (_job, stops) => mergeMatchesGivenUp(stops),
    [EXPORT_JOB_KIND]: (job, stops) => exportJobs.givenUp(job, stops),
  };
  const importPipeline = new ContactImportPipeline(
    store,
    contacts.writer,
    config,
    new ImportEndedNotifier(store, config, mailer, webhooks),
  );
  const tmallImportPipeline = new TmallOrderImportPipeline(
    store,
    contacts.writer,
    config,
    new ImportEndedNotifier(store, config, mailer, webhooks),
  );
  const orderImportPipeline = new GenericOrderImportPipeline(
    store,
    contacts.writer,
    config,
    new ImportEndedNotifier(store, config, mailer, webhooks),
  );
  const imports = new ImportService(store, contacts.writer, config);
  const orders = new OrderService(store, contacts.writer, config, imports);
  const contactExports = new ContactExportService(store, contacts);
  const orderExports = new OrderExportService(orders);
  const exportJobs = new ExportJobService(
    store,
    contactExports,
    orderExports,
    new ExportFileStore(path.join(config.dataDir, 'exports')),
    mailer,
    config,
  );
  imports.registerUndo(TMALL_IMPORT_KIND, (id, actor, afterBatch) =>
    orders.undoTmallImport(id, actor, afterBatch),
  );
  imports.registerUndo(ORDER_IMPORT_KIND, (id, actor, afterBatch) =>
    orders.undoOrderImport(id, actor, afterBatch),
  );

  // Conversations: every committed change is heard by the rules first, then by auto-assignment.
  const conversations = new ConversationService(store, contacts);
  const rules = new AutomationRuleService(store, conversations, contacts, outbound, secretBox);
  const ruleListener = new AutomationRuleListener(
    store,
    rules,
    contacts,
    new RuleActionRunner(conversations, mailer, outbound),
    mailer,
  );
  const autoAssignment = new AutoAssignmentService(store, conversations);
  conversations.subscribe(ruleListener);
  conversations.subscribe(autoAssignment);
  // Every contact write, whatever its path: rules first, then webhook endpoints.
  contacts.events.subscribe(ruleListener);
  contacts.events.subscribe(new ContactWebhookPublisher(webhooks));
  // Every request's session or token look-up: on PostgreSQL prepared on the light read pool (its plan
  // was 0.23 of the look-up's 0.45 ms); SQLite reads it on the main connection, in process.
  const credentialReads = store.dialect === 'postgres' ? store.reader('light') : db;
  const inboxes = new InboxService(store);
  const agents = new AgentService(store);
  inboxes.setAssignmentTriggers(autoAssignment);
  agents.setAssignmentTriggers(autoAssignment);
  return {
    config,
    store,
    contacts,
    identityTypes,
    attributes: new AttributeDefinitionService(db, contactAttributeValues),
    tags: new TagService(db, contacts),
    groups: new GroupService(store),
    exports: contactExports,
    orderExports,
    exportJobs,
    changes: new ChangeFeed(store),
    idempotencyKeys: new IdempotencyKeys(db),
    users: new UserService(db),
    sessions: new SessionService(db, credentialReads),
    tokens: new ApiTokenService(db, credentialReads),
    setup: new SetupService(db),
    signInThrottle: new SignInThrottle(db),
    auditLog: { search: (search) => searchAuditLog(db, search) },
    imports,
    savedMappings: new SavedMappingService(db, config.maxSavedMappings),
    importUploads: new StagedUploads(
      config.dataDir,
      STAGED_UPLOAD_MAX_AGE_MS,
      Date.now,
      config.stagedUploadLimits,
    ),
    invites: new InviteService(db, mailer),
    importPipeline,
    orders,
    tmallImportPipeline,
    orderImportPipeline,
    webhooks,
    sync,
    duplicateSettings: new DuplicateSettingsService(db),
    duplicateScans,
    duplicateCheck: new DuplicateCheckService(store, contacts, duplicateScans),
    merges,
    batchDeletes: new ContactBatchDeleteService(
      store,
      contacts,
      path.join(config.dataDir, 'backups'),
      config.deleteRetentionDays,
    ),
    conversations,
    conversationStream: new ConversationStream(store),
    inboxes,
    teams: new TeamService(store),
    agents,
    rules,
    autoAssignment,
    jobHandlers,
    jobGivenUp,
    jobs: {
      runner: ({ handlers, ...options } = {}) =>
        new JobRunner(store, handlers ?? jobHandlers, {
          leaseMs: config.jobLeaseMs,
          givenUp: jobGivenUp,
          ...options,
        }),
      leaseOf: (kind, subjectId) => jobLeaseOf(db, kind, subjectId),
      whyNoneRan: () => whyNoJobRan(db, Object.keys(jobHandlers)),
    },
    close: () => store.close(),
  };
}

export interface BackgroundTasks {
  /** The job runner, already polling; `poke()` it when a job was queued in this process. */
  runner: JobRunner;
  stop(): Promise<void>;
}

/**
 * Starts what every long-running process (`kith serve`, `kith worker`) does in the background: the
 * job runner (imports, duplicate scans; resuming those a crash interrupted), the scheduled duplicate
 * scans, snoozed conversations' wake-ups, automation log retention, webhook deliveries and the
 * clean-ups of expired import and export files. (SQLite's WAL checkpointer is the store's own: it
 * starts with a process's 20th write transaction.)
 */
export function startBackgroundTasks(
  kith: KithServices,
  log: (message: string, error?: unknown) => void,
): BackgroundTasks {
  const runner = kith.jobs.runner({ log });
  runner.start();
  const stops = [
    startDuplicateScanSchedule(kith.store, log),
    startSnoozeWakeUps(kith.conversations, log),
    startStreamRetention(kith.conversationStream, log),
    startAutomationLogRetention(kith.rules, kith.config.automationLogDays, log),
    startWebhookDeliveries(kith.webhooks, log),
    // Batch deletions' backups that no deletion owns (a process stopped mid-way), once an hour.
    startPeriodicTask(
      async () => {
        const n = await kith.batchDeletes.removeOrphanBackups();
        if (n > 0) log(`removed ${n} backups of batch deletions that never completed`);
      },
      3_600_000,
      (e) => log('could not remove backups of batch deletions that never completed', e),
    ),
    // Import files past KITH_IMPORT_FILE_RETENTION_DAYS (a dry run's past 24 hours), once an hour.
    startPeriodicTask(
      async () => {
        const n = await kith.imports.cleanUpFiles();
        if (n > 0) log(`deleted the files of ${n} imports past their retention`);
      },
      3_600_000,
      (e) => log('could not delete expired import files', e),
    ),
    // Background exports' files past KITH_EXPORT_RETENTION_DAYS, once an hour.
    startPeriodicTask(
      async () => {
        const n = await kith.exportJobs.prune();
        if (n > 0) log(`removed ${n} expired export files`);
      },
      3_600_000,
      (e) => log('could not prune expired export files', e),
    ),
  ];
  return {
    runner,
    stop: async () => {
      for (const stop of stops) stop();
      await runner.stop();
    },
  };
}

/** `kith migrate`: brings the configured database's schema up to date without starting anything else. */
export async function migrateDatabase(config: KithConfig): Promise<MigrationReport & { database: string }> {
  const store = openStore(config);
  try {
    return { ...(await migrateToLatest(store)), database: store.dialect };
  } finally {
    await store.close();
  }
}

/** Opens the configured store, brings its schema up to date and wires the services. */
export async function openKith(config: KithConfig): Promise<KithServices> {
  const store = openStore(config);
  try {
    await migrateToLatest(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return createServices(config, store);
}
