/**
 * Snoozed conversations wake up: every process that runs background work (`kith worker`, `kith serve`)
 * reopens, once a minute, the snoozed conversations whose `snoozed_until` has passed. Reopening goes
 * through ConversationService, so rules and auto-assignment see it like any other reopening; two
 * processes doing it at once both find nothing left to change the second time.
 */
import { SYSTEM_ACTOR } from '../domain/actor.js';
import { startPeriodicTask } from '../jobs/periodic-task.js';
import type { ConversationService } from './conversation-service.js';

export function startSnoozeWakeUps(
  conversations: ConversationService,
  log: (message: string, error?: unknown) => void,
): () => void {
  return startPeriodicTask(
    async () => {
      const n = await conversations.reopenDueSnoozed(SYSTEM_ACTOR);
      if (n > 0) log(`reopened ${n} snoozed conversation(s)`);
    },
    60_000,
    (e) => log('could not reopen snoozed conversations', e),
  );
}
