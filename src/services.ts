/**
 * The composition root: one place that wires the store to the services every entry point
 * (HTTP server, CLI, later workers) uses. Entry points never reach past these services into SQL.
 */
import path from 'node:path';
import { ApiTokenService } from './auth/api-token-service.js';
import { SessionService } from './auth/session-service.js';
import { SetupService } from './auth/setup-service.js';
import { UserService } from './auth/user-service.js';
import type { KithConfig } from './config.js';
import { RuleActionRunner } from './automation/actions/rule-action-runner.js';
import { AutoAssignmentService } from './automation/assignment/auto-assignment-service.js';
import { AutomationRuleListener } from './automation/automation-rule-listener.js';
import { AutomationRuleService } from './automation/automation-rule-service.js';
import { AgentService } from './conversations/agent-service.js';
import { ConversationService } from './conversations/conversation-service.js';
import { InboxService } from './conversations/inbox-service.js';
import { TeamService } from './conversations/team-service.js';
import { contactAttributeValues } from './contacts/contact-attribute-sql.js';
import { ContactBatchDeleteService } from './contacts/contact-batch-delete-service.js';
import { ContactService } from './contacts/contact-service.js';
import { ContactMergeService } from './dedupe/contact-merge-service.js';
import { DuplicateCheckService } from './dedupe/duplicate-check-service.js';
import { DUPLICATE_SCAN_JOB_KIND } from './dedupe/duplicate-scan-schedule.js';
import { DuplicateScanService } from './dedupe/duplicate-scan-service.js';
import { SYSTEM_ACTOR } from './domain/actor.js';
import { DuplicateSettingsService } from './dedupe/duplicate-settings-service.js';
import { AttributeDefinitionService } from './customization/attribute-definition-service.js';
import { IdentityTypeService } from './customization/identity-type-service.js';
import { ContactImportPipeline } from './imports/contact-import-pipeline.js';
import { OutboundHttp } from './sync/outbound/outbound-http.js';
import { WebhookService } from './sync/webhooks/webhook-service.js';
import { ImportEndedNotifier } from './imports/import-ended-notifier.js';
import { IMPORT_JOB_KIND, ImportService } from './imports/import-service.js';
import type { JobHandler } from './jobs/job-runner.js';
import { createMailer } from './notifications/mailer.js';
import { GroupService } from './segments/group-service.js';
import { TagService } from './segments/tag-service.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrator.js';

export interface KithServices {
  config: KithConfig;
  store: Store;
  contacts: ContactService;
  identityTypes: IdentityTypeService;
  attributes: AttributeDefinitionService;
  tags: TagService;
  groups: GroupService;
  users: UserService;
  sessions: SessionService;
  tokens: ApiTokenService;
  setup: SetupService;
  imports: ImportService;
  importPipeline: ContactImportPipeline;
  webhooks: WebhookService;
  duplicateSettings: DuplicateSettingsService;
  duplicateScans: DuplicateScanService;
  duplicateCheck: DuplicateCheckService;
  merges: ContactMergeService;
  batchDeletes: ContactBatchDeleteService;
  conversations: ConversationService;
  inboxes: InboxService;
  teams: TeamService;
  agents: AgentService;
  rules: AutomationRuleService;
  autoAssignment: AutoAssignmentService;
  /** Handlers for every job kind, for `kith serve`, `kith worker` and foreground runs. */
  jobHandlers: Record<string, JobHandler>;
  close(): Promise<void>;
}

export function createServices(config: KithConfig, store: Store): KithServices {
  const db = store.db;
  const contacts = new ContactService(store, config.defaultRegion);
  const duplicateScans = new DuplicateScanService(store);
  const mailer = createMailer(config.smtpUrl);
  // Every outgoing HTTP request goes through this one guard.
  const outbound = new OutboundHttp(config.outbound);
  const webhooks = new WebhookService(store, outbound);
  const importPipeline = new ContactImportPipeline(
    store,
    config,
    new ImportEndedNotifier(store, config, mailer, webhooks),
  );

  // Conversations: every committed change is heard by the rules first, then by auto-assignment.
  const conversations = new ConversationService(store, contacts);
  const rules = new AutomationRuleService(store, conversations, contacts, outbound);
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
  contacts.subscribe(ruleListener);
  const inboxes = new InboxService(store);
  const agents = new AgentService(store);
  inboxes.setAssignmentTriggers(autoAssignment);
  agents.setAssignmentTriggers(autoAssignment);
  return {
    config,
    store,
    contacts,
    identityTypes: new IdentityTypeService(db),
    attributes: new AttributeDefinitionService(db, contactAttributeValues),
    tags: new TagService(db, contacts),
    groups: new GroupService(store),
    users: new UserService(db),
    sessions: new SessionService(db),
    tokens: new ApiTokenService(db),
    setup: new SetupService(db),
    imports: new ImportService(store, config),
    importPipeline,
    webhooks,
    duplicateSettings: new DuplicateSettingsService(db),
    duplicateScans,
    duplicateCheck: new DuplicateCheckService(store, contacts, duplicateScans),
    merges: new ContactMergeService(store),
    batchDeletes: new ContactBatchDeleteService(
      store,
      contacts,
      path.join(config.dataDir, 'backups'),
      config.deleteRetentionDays,
    ),
    conversations,
    inboxes,
    teams: new TeamService(store),
    agents,
    rules,
    autoAssignment,
    jobHandlers: {
      [IMPORT_JOB_KIND]: (ctx) => importPipeline.run(ctx.job.subject_id, ctx),
      [DUPLICATE_SCAN_JOB_KIND]: async (ctx) => {
        await duplicateScans.scan({ incremental: ctx.job.subject_id === 'incremental', actor: SYSTEM_ACTOR });
      },
    },
    close: () => store.close(),
  };
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
