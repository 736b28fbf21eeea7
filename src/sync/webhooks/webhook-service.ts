/**
 * Webhook endpoints and their deliveries. `publish` writes one delivery per subscribed active endpoint
 * (so an event survives a crash or an unreachable receiver) and tries them at once; `deliverDue` sends
 * what is due, each delivery claimed first so that several processes never send one twice at a time.
 */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../../domain/actor.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { toValidationErrors } from '../../domain/zod-validation.js';
import { appendAuditEntry } from '../../history/audit-log.js';
import type { Store } from '../../store/database.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../../store/schema.js';
import { nowIso } from '../../store/transaction.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import {
  MAX_ATTEMPTS,
  nextAttemptAt,
  TEST_EVENT,
  type WebhookEvent,
  WebhookEndpointInput,
  WebhookEndpointPatch,
} from './webhook-events.js';
import { signWebhook } from './webhook-signature.js';
import { SecretBox } from '../carddav/sync-secrets.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
}

/** Shown once, when the endpoint is created: receivers need it to check signatures. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

const TIMEOUT_MS = 5000;
/** How long a process may take over one attempt before another may claim the delivery. */
const CLAIM_MS = 60_000;

export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly outbound: OutboundHttp,
    /** Seals signing secrets at rest when KITH_SECRET_KEY is set; without it they are stored as given. */
    private readonly secrets: SecretBox = new SecretBox(null),
  ) {}

  /** The secret as stored for this endpoint. */
  private stored(endpointId: string, secret: string): { secret: string; secret_sealed: number } {
    return this.secrets.ready
      ? { secret: this.secrets.seal(secret, endpointId), secret_sealed: 1 }
      : { secret, secret_sealed: 0 };
  }

  private get db() {
    return this.store.db;
  }

  /** An endpoint's signing secret in the clear; one stored before a key was set is sealed now. */
  private async secretOf(endpoint: {
    endpoint_id: string;
    secret: string;
    secret_sealed: number;
  }): Promise<string | { error: string }> {
    if (endpoint.secret_sealed === 1) {
      try {
        return this.secrets.open(endpoint.secret, endpoint.endpoint_id);
      } catch (e) {
        return { error: (e as Error).message };
      }
    }
    if (this.secrets.ready)
      await this.db
        .updateTable('webhook_endpoints')
        .set(this.stored(endpoint.endpoint_id, endpoint.secret))
        .where('id', '=', endpoint.endpoint_id)
        .where('secret', '=', endpoint.secret)
        .where('secret_sealed', '=', 0)
        .execute();
    return endpoint.secret;
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
    return rows.map(endpointOf);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return endpointOf(await this.row(id));
  }

  async create(input: unknown, actor: Actor = SYSTEM_ACTOR): Promise<CreatedWebhookEndpoint> {
    const parsed = WebhookEndpointInput.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, WebhookEndpointInput);
    this.assertReachable(parsed.data.url);
    const at = nowIso();
    const id = newId('webhookEndpoint');
    const secret = parsed.data.secret ?? crypto.randomBytes(24).toString('base64url');
    const row: Selectable<WebhookEndpointsTable> = {
      id,
      url: parsed.data.url,
      events: JSON.stringify([...new Set(parsed.data.events)]),
      ...this.stored(id, secret),
      description: parsed.data.description ?? null,
      active: parsed.data.active === false ? 0 : 1,
      created_at: at,
      updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('webhook_endpoints').values(row).execute();
      await appendAuditEntry(trx, {
        entityType: 'webhook_endpoint',
        entityId: row.id,
        action: 'created',
        changes: [
          { field: 'url', old: null, new: row.url },
          { field: 'events', old: null, new: JSON.parse(row.events) as string[] },
          ...(row.active ? [] : [{ field: 'active', old: null, new: false }]),
        ],
        actor,
        at,
      });
    });
    return { ...endpointOf(row), secret };
  }

  async update(id: string, input: unknown, actor: Actor = SYSTEM_ACTOR): Promise<WebhookEndpoint> {
    const parsed = WebhookEndpointPatch.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, WebhookEndpointPatch);
    const before = endpointOf(await this.row(id));
    const { url, events, secret, description, active } = parsed.data;
    if (url !== undefined) this.assertReachable(url);
    const after = {
      url: url ?? before.url,
      events: events !== undefined ? [...new Set(events)] : before.events,
      description: description !== undefined ? description : before.description,
      active: active ?? before.active,
    };
    const changes: { field: string; old: unknown; new: unknown }[] = (
      ['url', 'events', 'description', 'active'] as const
    )
      .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      .map((field) => ({ field, old: before[field] as unknown, new: after[field] as unknown }));
    // The secret itself never goes into the log.
    if (secret !== undefined) changes.push({ field: 'secret', old: '***', new: '***' });
    await this.db
      .updateTable('webhook_endpoints')
      .set({
        ...(url !== undefined && { url }),
        ...(events !== undefined && { events: JSON.stringify([...new Set(events)]) }),
        ...(secret !== undefined && this.stored(id, secret)),
        ...(description !== undefined && { description }),
        ...(active !== undefined && { active: active ? 1 : 0 }),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    if (changes.length > 0)
      await appendAuditEntry(this.db, {
        entityType: 'webhook_endpoint',
        entityId: id,
        action: 'updated',
        changes,
        actor,
      });
    return this.get(id);
  }

  async remove(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const endpoint = endpointOf(await this.row(id));
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      // The same delete sent at once: the one that finds it gone answers 404, not a second deletion.
      const deleted = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('webhook endpoint', id);
      await appendAuditEntry(trx, {
        entityType: 'webhook_endpoint',
        entityId: id,
        action: 'deleted',
        changes: [
          { field: 'url', old: endpoint.url, new: null },
          { field: 'events', old: endpoint.events, new: null },
        ],
        actor,
      });
    });
  }

  /**
   * Sends a `webhook.test` event to one endpoint now (active or not, whatever it subscribes to), signed
   * and through the outbound guard like every delivery, and answers the delivery after its one attempt:
   * delivered, or failed with the receiver's status or the reason it could not be reached.
   */
  async sendTest(id: string, actor: Actor = SYSTEM_ACTOR): Promise<WebhookDelivery> {
    const endpoint = await this.row(id);
    const at = nowIso();
    const deliveryId = newId('webhookDelivery');
    const data = {
      endpoint_id: endpoint.id,
      message: 'A test event sent from Kith; it changes nothing.',
      requested_by: actor.userId,
    };
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: deliveryId,
        endpoint_id: endpoint.id,
        event: TEST_EVENT,
        body: JSON.stringify({ id: deliveryId, event: TEST_EVENT, created_at: at, data }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        claimed_until: null,
        last_status: null,
        last_error: null,
        created_at: at,
        delivered_at: null,
      })
      .execute();
    await this.deliver([deliveryId]);
    return deliveryOf(
      await this.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .executeTakeFirstOrThrow(),
    );
  }

  async deliveries(endpointId: string, limit = 100): Promise<WebhookDelivery[]> {
    await this.row(endpointId);
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(deliveryOf);
  }

  /**
   * Records `event` for every active endpoint subscribed to it and tries those deliveries now. Returns
   * the deliveries' ids; one that fails now is retried later by `kith serve` / `kith worker`.
   */
  /**
   * Records a delivery of `event` for every active endpoint subscribed to it and sends them. With
   * `wait: false` the sending happens in the background (a bulk writer must not wait on receivers);
   * deliveries are durable either way and retried by the delivery loop.
   */
  async publish(
    event: WebhookEvent,
    data: Record<string, unknown>,
    options: { wait?: boolean } = {},
  ): Promise<string[]> {
    const endpoints = (
      await this.db.selectFrom('webhook_endpoints').selectAll().where('active', '=', 1).execute()
    ).filter((e) => (JSON.parse(e.events) as string[]).includes(event));
    if (endpoints.length === 0) return [];
    const at = nowIso();
    const rows = endpoints.map((endpoint) => {
      const id = newId('webhookDelivery');
      return {
        id,
        endpoint_id: endpoint.id,
        event,
        body: JSON.stringify({ id, event, created_at: at, data }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        claimed_until: null,
        last_status: null,
        last_error: null,
        created_at: at,
        delivered_at: null,
      };
    });
    await this.db.insertInto('webhook_deliveries').values(rows).execute();
    const sending = this.deliver(rows.map((r) => r.id));
    if (options.wait === false)
      sending.catch(() => undefined); // stays pending; the loop retries
    else await sending;
    return rows.map((r) => r.id);
  }

  /** Sends every pending delivery whose time has come (oldest first, up to `limit`). */
  async deliverDue(limit = 100): Promise<number> {
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso())
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return this.deliver(due.map((d) => d.id));
  }

  /** Deletes delivered and failed deliveries created before `before`; pending ones stay. */
  async pruneDeliveries(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('created_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async deliver(ids: string[]): Promise<number> {
    let sent = 0;
    for (const id of ids) if (await this.attempt(id)) sent++;
    return sent;
  }

  /** One attempt at one delivery, if this process can claim it. True when it was delivered. */
  private async attempt(id: string): Promise<boolean> {
    const now = new Date();
    const claimed = await this.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: new Date(now.getTime() + CLAIM_MS).toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const delivery = await this.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
      .select([
        'webhook_deliveries.body',
        'webhook_deliveries.event',
        'webhook_deliveries.attempts',
        'webhook_endpoints.id as endpoint_id',
        'webhook_endpoints.url',
        'webhook_endpoints.secret',
        'webhook_endpoints.secret_sealed',
      ])
      .where('webhook_deliveries.id', '=', id)
      .executeTakeFirstOrThrow();
    const secret = await this.secretOf(delivery);
    // A secret that cannot be opened (KITH_SECRET_KEY unset or changed) fails the attempt in words; it is
    // retried as any failure, and goes once the key is back.
    const result =
      typeof secret === 'string'
        ? await send(this.outbound, id, { ...delivery, secret })
        : { ok: false, status: null, error: secret.error };
    const attempts = delivery.attempts + 1;
    const finishedAt = new Date();
    const maxAttempts = delivery.event === TEST_EVENT ? 1 : MAX_ATTEMPTS;
    const retryAt = result.ok || attempts >= maxAttempts ? null : nextAttemptAt(attempts, finishedAt);
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: result.ok ? 'delivered' : retryAt ? 'pending' : 'failed',
        attempts,
        next_attempt_at: retryAt?.toISOString() ?? null,
        claimed_until: null,
        last_status: result.status,
        last_error: result.error,
        delivered_at: result.ok ? finishedAt.toISOString() : null,
      })
      .where('id', '=', id)
      .execute();
    return result.ok;
  }

  /** An endpoint on an internal address is refused when saved, not only when a delivery is tried. */
  private assertReachable(url: string): void {
    const problem = this.outbound.urlProblem(url);
    if (problem) throw new ValidationError('url', url, problem);
  }

  private async row(id: string): Promise<Selectable<WebhookEndpointsTable>> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('webhook endpoint', id);
    return row;
  }
}

async function send(
  outbound: OutboundHttp,
  id: string,
  delivery: { body: string; event: string; url: string; secret: string },
): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await outbound.send(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Kith-Webhook/1',
        'x-kith-event': delivery.event,
        'x-kith-delivery': id,
        'x-kith-timestamp': timestamp,
        'x-kith-signature': signWebhook(delivery.secret, timestamp, delivery.body),
      },
      body: delivery.body,
      timeoutMs: TIMEOUT_MS,
    });
    return { ok: response.ok, status: response.status, error: response.error };
  } catch (e) {
    // A refusal (OutboundRefusedError) is recorded like any other failed attempt: fixing
    // KITH_OUTBOUND_ALLOW or the DNS record lets a later retry through.
    return { ok: false, status: null, error: (e as Error).message };
  }
}

function endpointOf(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEvent[],
    description: row.description,
    active: row.active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function deliveryOf(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event: row.event,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_status: row.last_status,
    last_error: row.last_error,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
  };
}
