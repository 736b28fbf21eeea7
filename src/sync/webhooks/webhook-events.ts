/** Pure rules of webhooks: which events exist, what an endpoint must look like, when to try again. */
import { z } from 'zod';
import { refuseControlCharacters } from '../../domain/well-formed-text.js';

export const WEBHOOK_EVENTS = [
  'import.completed',
  'import.failed',
  'import.cancelled',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.merged',
  'contact.restored',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Sent to one endpoint on request ("send test event"), never subscribed to. A test delivery gets one
 * attempt: its answer is what the person who asked wants to see, not a day of retries.
 */
export const TEST_EVENT = 'webhook.test';

const url = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');
const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, 'must name at least one event');
const secret = z.string().min(16, 'must be at least 16 characters');

export const WebhookEndpointInput = z.strictObject({
  url,
  events,
  secret: secret.optional(),
  description: z.string().trim().max(500).superRefine(refuseControlCharacters('lines')).nullable().optional(),
  active: z.boolean().optional(),
});
export const WebhookEndpointPatch = WebhookEndpointInput.partial();

/** Attempts a delivery gets, and the pause before each retry: about a day in all. */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** When to try again after `attempts` failed attempts, or null when the delivery has had them all. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_SECONDS[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay * 1000);
}
