/**
 * Background processes (`kith serve`, `kith worker`) send due webhook deliveries every few seconds, and
 * once an hour forget finished deliveries older than 30 days.
 */
import { startPeriodicTask } from '../../jobs/periodic-task.js';
import type { WebhookService } from './webhook-service.js';

/** Days a delivered or failed delivery stays listed under its endpoint. */
export const DELIVERY_DAYS = 30;

export function startWebhookDeliveries(
  webhooks: WebhookService,
  log: (message: string, error?: unknown) => void,
): () => void {
  let running = false;
  const stopPruning = startPeriodicTask(
    async () => {
      await webhooks.pruneDeliveries(new Date(Date.now() - DELIVERY_DAYS * 86_400_000));
    },
    3_600_000,
    (e) => log('could not prune webhook deliveries', e),
  );
  const stopSending = startPeriodicTask(
    async () => {
      // An unreachable receiver makes a round slow; rounds never overlap.
      if (running) return;
      running = true;
      try {
        await webhooks.deliverDue();
      } finally {
        running = false;
      }
    },
    5000,
    (e) => log('could not send webhook deliveries', e),
  );
  return () => {
    stopPruning();
    stopSending();
  };
}
