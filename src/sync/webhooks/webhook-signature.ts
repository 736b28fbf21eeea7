import crypto from 'node:crypto';

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: what a receiver recomputes to trust a webhook. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
