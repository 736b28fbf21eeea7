/** Background processes (`kith serve`, `kith worker`) send due webhook deliveries every few seconds. */
import { startPeriodicTask } from '../../jobs/periodic-task.js';
import type { WebhookService } from './webhook-service.js';

export function startWebhookDeliveries(
  webhooks: WebhookService,
  log: (message: string, error?: unknown) => void,
): () => void {
  let running = false;
  return startPeriodicTask(
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
}
