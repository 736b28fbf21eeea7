/**
 * The lists that commands' help names (`--format csv | xlsx | …`), written out here rather than
 * imported from the modules that own them: those load much of Kith (kysely, zod, the phone metadata),
 * and every command, `kith --help` too, registers its help at start-up. The types keep each value
 * valid; test/cli/help-lists.test.ts keeps each list the same as its owner's, in the same order.
 */
import type { ExportFormat } from '../exports/contact-export-service.js';
import type { ConflictPolicy, SyncDirection } from '../sync/carddav/sync-connection-service.js';
import type { WebhookEvent } from '../sync/webhooks/webhook-events.js';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'json', 'ndjson', 'xml'];

export const SYNC_DIRECTIONS: readonly SyncDirection[] = ['both', 'to-remote', 'from-remote'];

export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['kith-wins', 'remote-wins', 'newest'];

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'import.completed',
  'import.failed',
  'import.cancelled',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.merged',
  'contact.restored',
];
