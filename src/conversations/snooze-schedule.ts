/**
 * Snoozed conversations wake up: every process that runs background work (`kith worker`, `kith serve`)
 * reopens, once a minute, the snoozed conversations whose `snoozed_until` has passed. Reopening goes
 * through ConversationService, so rules and auto-assignment see it like any other reopening; two
 * processes doing it at once both find nothing left to change the second time.
 */
import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { ConversationService } from './conversation-service.js';

export function startSnoozeWakeUps(
  conversations: ConversationService,
  log: (message: string, error?: unknown) => void,
): () => void {
  const tick = () => {
    conversations
      .reopenDueSnoozed(SYSTEM_ACTOR)
      .then((n) => n > 0 && log(`reopened ${n} snoozed conversation(s)`))
      .catch((e: unknown) => log('could not reopen snoozed conversations', e));
  };
  tick();
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
