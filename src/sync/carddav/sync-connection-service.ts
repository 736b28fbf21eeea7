/**
 * Sync connections (CardDAV address books): adding, listing and removing them (the password sealed by
 * SecretBox, never returned), starting a run (a durable job), reading runs and conflicts. The run itself
 * is `CardDavSyncRun` (carddav-sync-run.ts).
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { type Actor, SYSTEM_ACTOR } from '../../domain/actor.js';
import type { FieldChange } from '../../domain/contact/contact-patch.js';
import { KithError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { toValidationErrors } from '../../domain/zod-validation.js';
import { refuseControlCharacters } from '../../domain/well-formed-text.js';
import type { IdentityTypeService } from '../../customization/identity-type-service.js';
import { appendAuditEntry } from '../../history/audit-log.js';
import { enqueueJob } from '../../jobs/job-queue.js';
import type { Store } from '../../store/database.js';
import type { SyncConflictsTable, SyncConnectionsTable, SyncRunsTable } from '../../store/schema.js';
import { nowIso } from '../../store/transaction.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import { NO_SECRET_KEY_MESSAGE, type SecretBox } from './sync-secrets.js';
import { CARDDAV_UID_IDENTITY, vcardToContactInput } from './vcard-mapping.js';

export const SYNC_DIRECTIONS = ['both', 'to-remote', 'from-remote'] as const;
export const CONFLICT_POLICIES = ['kith-wins', 'remote-wins', 'newest'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];
export const SYNC_JOB_KIND = 'carddav_sync';

/** What a run did, counted as it goes (also its progress). */
export interface SyncCounts {
  pulled_created: number;
  pulled_updated: number;
  pulled_deleted: number;
  pushed_created: number;
  pushed_updated: number;
  pushed_deleted: number;
  conflicts: number;
  failed: number;
  /** Changes that came from this connection, not sent back to it. */
  echoes_skipped: number;
  /** HTTP requests sent to the server. */
  requests: number;
}

export const emptyCounts = (): SyncCounts => ({
  pulled_created: 0,
  pulled_updated: 0,
  pulled_deleted: 0,
  pushed_created: 0,
  pushed_updated: 0,
  pushed_deleted: 0,
  conflicts: 0,
  failed: 0,
  echoes_skipped: 0,
  requests: 0,
});

export interface SyncRun {
  id: string;
  connection_id: string;
  /** queued, running, done or failed. */
  state: string;
  /** pull (server → Kith), push (Kith → server), or null before it starts and after it ends. */
  phase: string | null;
  counts: SyncCounts;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SyncConnection {
  id: string;
  kind: 'carddav';
  url: string;
  username: string;
  /** The address book's path on the server. */
  collection: string;
  /** The address book's full URL. */
  collection_url: string;
  direction: SyncDirection;
  conflict_policy: ConflictPolicy;
  /** How far into the change feed Kith's changes have been sent. */
  feed_cursor: string;
  /** Whether the server's sync token is held (false until the first pull). */
  has_sync_token: boolean;
  /** Cards the connection keeps in step. */
  cards: number;
  /** A paused connection starts no run until it is resumed. */
  paused: boolean;
  last_run: SyncRun | null;
  created_at: string;
  updated_at: string;
}

export interface SyncConflict {
  id: string;
  connection_id: string;
  run_id: string | null;
  contact_id: string | null;
  href: string;
  policy: ConflictPolicy;
  /** kith or remote: whose version was kept. */
  winner: 'kith' | 'remote';
  /** The contact as Kith had it (null: deleted in Kith). */
  kith_version: Record<string, unknown> | null;
  /** The card as the server had it (null: deleted on the server). */
  remote_version: string | null;
  /**
   * That card read as the sync reads it (vcard-mapping.ts), field by field beside `kith_version`'s
   * (null: deleted, or a card the parser could not read).
   */
  remote_fields: Record<string, unknown> | null;
  created_at: string;
}

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const SyncConnectionInput = z.strictObject({
  kind: z.literal('carddav', { error: 'must be carddav (the one kind of connection so far)' }).optional(),
  url: httpUrl,
  username: z.string().trim().min(1, 'must not be empty').max(200).superRefine(refuseControlCharacters()),
  password: z.string().min(1, 'must not be empty').max(1000),
  collection: z
    .string()
    .trim()
    .max(1000)
    .refine((v) => !/^[a-z]+:/i.test(v), 'must be a path on the server (/user/contacts/), not a URL')
    // `//host/path` and `\\host\path` are read by URL parsers as another server, not a path on this one.
    .refine((v) => !/^[/\\]{2}/.test(v), 'must be a path on the server (/user/contacts/), not another server')
    .nullable()
    .optional(),
  direction: z.enum(SYNC_DIRECTIONS, { error: `must be one of ${SYNC_DIRECTIONS.join(', ')}` }).optional(),
  conflict_policy: z
    .enum(CONFLICT_POLICIES, { error: `must be one of ${CONFLICT_POLICIES.join(', ')}` })
    .optional(),
});

/**
 * A change to a connection: every field optional; a blank or absent password keeps the stored one.
 * `paused` stops runs from starting (true) or lets them again (false).
 */
export const SyncConnectionUpdate = z.strictObject({
  url: httpUrl.optional(),
  username: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200)
    .superRefine(refuseControlCharacters())
    .optional(),
  password: z.string().max(1000).nullable().optional(),
  collection: SyncConnectionInput.shape.collection,
  direction: SyncConnectionInput.shape.direction,
  conflict_policy: SyncConnectionInput.shape.conflict_policy,
  paused: z.boolean({ error: 'must be true or false' }).optional(),
});

/** The address book's URL: the collection path on the server, or the URL's own path. */
export function collectionUrlOf(url: string, collection: string | null | undefined): string {
  const base = new URL(url);
  const target = collection ? new URL(collection, base) : base;
  const path = target.pathname.endsWith('/') ? target.pathname : `${target.pathname}/`;
  return `${target.origin}${path}`;
}

type ConnectionRow = Selectable<SyncConnectionsTable>;

export function runOf(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    id: row.id,
    connection_id: row.connection_id,
    state: row.state,
    phase: row.phase,
    counts: { ...emptyCounts(), ...(JSON.parse(row.counts) as Partial<SyncCounts>) },
    error: row.error,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}

function conflictOf(row: Selectable<SyncConflictsTable>): SyncConflict {
  return {
    id: row.id,
    connection_id: row.connection_id,
    run_id: row.run_id,
    contact_id: row.contact_id,
    href: row.href,
    policy: row.policy as ConflictPolicy,
    winner: row.winner as 'kith' | 'remote',
    kith_version: row.kith_version ? (JSON.parse(row.kith_version) as Record<string, unknown>) : null,
    remote_version: row.remote_version,
    remote_fields: row.remote_version === null ? null : cardFields(row.remote_version),
    created_at: row.created_at,
  };
}

/** A stored card's mapped fields, or null when it does not parse (it was stored as the server sent it). */
function cardFields(card: string): Record<string, unknown> | null {
  try {
    const { identities: _uid, ...fields } = vcardToContactInput(card).input;
    return fields;
  } catch {
    return null;
  }
}

export class SyncConnectionService {
  constructor(
    private readonly store: Store,
    private readonly outbound: OutboundHttp,
    private readonly secrets: SecretBox,
    private readonly identityTypes: IdentityTypeService,
  ) {}

  /** Whether passwords can be stored and read (KITH_SECRET_KEY is set): without it, nothing can sync. */
  get passwordsStorable(): boolean {
    return this.secrets.ready;
  }

  private get db() {
    return this.store.db;
  }

  async list(): Promise<SyncConnection[]> {
    const rows = await this.db.selectFrom('sync_connections').selectAll().orderBy('id').execute();
    return Promise.all(rows.map((r) => this.connectionOf(r)));
  }

  async get(id: string): Promise<SyncConnection> {
    return this.connectionOf(await this.row(id));
  }

  async create(input: unknown, actor: Actor = SYSTEM_ACTOR): Promise<SyncConnection> {
    const parsed = SyncConnectionInput.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, SyncConnectionInput);
    const data = parsed.data;
    const collectionUrl = collectionUrlOf(data.url, data.collection);
    const collection = new URL(collectionUrl).pathname;
    if (collection === '/')
      throw new ValidationError(
        'collection',
        data.collection ?? null,
        "must name the address book's path (e.g. /kith/customers/), in the URL or as collection",
      );
    const problem = this.outbound.urlProblem(collectionUrl);
    if (problem) throw new ValidationError('url', data.url, problem);
    // Checked before anything is written: no connection ever holds a password in the clear.
    if (!this.secrets.ready) throw new KithError('secret_key_missing', NO_SECRET_KEY_MESSAGE, 409);
    const id = newId('syncConnection');
    const at = nowIso();
    const row: ConnectionRow = {
      id,
      kind: 'carddav',
      url: data.url,
      username: data.username,
      collection,
      direction: data.direction ?? 'both',
      conflict_policy: data.conflict_policy ?? 'newest',
      credentials: this.secrets.seal(JSON.stringify({ password: data.password }), id),
      feed_cursor: '0',
      sync_token: null,
      paused: 0,
      created_at: at,
      updated_at: at,
    };
    // Cards are matched to contacts by their UID, kept as this identity.
    if (!(await this.identityTypes.keys()).has(CARDDAV_UID_IDENTITY))
      await this.identityTypes.create({ key: CARDDAV_UID_IDENTITY, label: 'CardDAV UID' }, actor);
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('sync_connections').values(row).execute();
      await appendAuditEntry(trx, {
        entityType: 'sync_connection',
        entityId: id,
        action: 'created',
        changes: [
          { field: 'url', old: null, new: row.url },
          { field: 'username', old: null, new: row.username },
          { field: 'collection', old: null, new: row.collection },
          { field: 'direction', old: null, new: row.direction },
          { field: 'conflict_policy', old: null, new: row.conflict_policy },
        ],
        actor,
        at,
      });
    });
    return this.get(id);
  }

  /**
   * Changes a connection. Pointing it at another address book (its URL or collection) resets what it
   * knew of the old one — the sync token, the cards and the change-feed cursor — so the next run is a
   * first run again: every card pulled, every customer pushed. That is refused while a run is queued
   * or running (it would write the old state back). The password is re-sealed only when one is given.
   */
  async update(id: string, input: unknown, actor: Actor = SYSTEM_ACTOR): Promise<SyncConnection> {
    const parsed = SyncConnectionUpdate.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, SyncConnectionUpdate);
    const data = parsed.data;
    const row = await this.row(id);
    const url = data.url ?? row.url;
    // A new URL without a collection keeps the stored one only when the URL itself names none.
    const oldCollectionUrl = collectionUrlOf(row.url, row.collection);
    const collectionUrl =
      data.collection !== undefined
        ? collectionUrlOf(url, data.collection)
        : data.url !== undefined && new URL(url).pathname !== '/'
          ? collectionUrlOf(url, null)
          : collectionUrlOf(url, row.collection);
    const collection = new URL(collectionUrl).pathname;
    if (collection === '/')
      throw new ValidationError(
        'collection',
        data.collection ?? null,
        "must name the address book's path (e.g. /kith/customers/), in the URL or as collection",
      );
    const problem = this.outbound.urlProblem(collectionUrl);
    if (problem) throw new ValidationError('url', url, problem);
    const password = data.password ?? '';
    if (password !== '' && !this.secrets.ready)
      throw new KithError('secret_key_missing', NO_SECRET_KEY_MESSAGE, 409);
    const reset = collectionUrl !== oldCollectionUrl;
    const next = {
      url,
      username: data.username ?? row.username,
      collection,
      direction: data.direction ?? row.direction,
      conflict_policy: data.conflict_policy ?? row.conflict_policy,
      paused: data.paused === undefined ? Number(row.paused) : data.paused ? 1 : 0,
    };
    const changes: FieldChange[] = (Object.keys(next) as (keyof typeof next)[])
      .filter((field) => next[field] !== (field === 'paused' ? Number(row.paused) : row[field]))
      .map((field) =>
        field === 'paused'
          ? { field, old: Number(row.paused) === 1, new: next.paused === 1 }
          : { field, old: row[field], new: next[field] },
      );
    // Never the password itself, in the clear or sealed: only that it changed.
    if (password !== '') changes.push({ field: 'password', old: '(stored)', new: '(changed)' });
    if (changes.length === 0) return this.connectionOf(row);
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      if (reset) {
        const open = await trx
          .selectFrom('sync_runs')
          .select('id')
          .where('connection_id', '=', id)
          .where('state', 'in', ['queued', 'running'])
          .executeTakeFirst();
        if (open)
          throw new KithError(
            'sync_run_open',
            `run ${open.id} of this connection is queued or running: wait for it to end before pointing the connection at another address book`,
            409,
            { run_id: open.id },
          );
        await trx.deleteFrom('sync_cards').where('connection_id', '=', id).execute();
      }
      await trx
        .updateTable('sync_connections')
        .set({
          ...next,
          ...(password !== '' ? { credentials: this.secrets.seal(JSON.stringify({ password }), id) } : {}),
          ...(reset ? { sync_token: null, feed_cursor: '0' } : {}),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
      await appendAuditEntry(trx, {
        entityType: 'sync_connection',
        entityId: id,
        action: reset ? 'updated_and_reset' : 'updated',
        changes,
        actor,
        at,
      });
    });
    return this.get(id);
  }

  async remove(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const row = await this.row(id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sync_conflicts').where('connection_id', '=', id).execute();
      await trx.deleteFrom('sync_cards').where('connection_id', '=', id).execute();
      await trx.deleteFrom('sync_runs').where('connection_id', '=', id).execute();
      // The same delete sent at once: the one that finds it gone answers 404, not a second deletion.
      const deleted = await trx.deleteFrom('sync_connections').where('id', '=', id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('sync connection', id);
      await appendAuditEntry(trx, {
        entityType: 'sync_connection',
        entityId: id,
        action: 'deleted',
        changes: [{ field: 'url', old: row.url, new: null }],
        actor,
      });
    });
  }

  /**
   * Starts a run of the connection: a queued job that any runner takes. A run still queued or running
   * is answered instead of a second one, so two runs never write the same cards at once (one whose
   * process died is taken over by the next runner, and resumes).
   */
  async startRun(
    connectionId: string,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<{ run: SyncRun; started: boolean }> {
    const row = await this.row(connectionId);
    if (Number(row.paused) === 1)
      throw new KithError(
        'sync_paused',
        `sync connection ${connectionId} is paused: resume it (paused: false) to run it`,
        409,
        { id: connectionId },
      );
    return this.db.transaction().execute(async (trx) => {
      // On PostgreSQL requests sent at once each read "no open run" and queued one each: the connection
      // is locked first, so the next waits for this transaction and then reads the run it queued. (On
      // SQLite the transaction holds the write lock from its start.)
      if (this.store.dialect === 'postgres')
        await trx
          .selectFrom('sync_connections')
          .select('id')
          .where('id', '=', connectionId)
          .forUpdate()
          .execute();
      const open = await trx
        .selectFrom('sync_runs')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('state', 'in', ['queued', 'running'])
        .orderBy('created_at')
        .executeTakeFirst();
      if (open) return { run: runOf(open), started: false };
      const id = newId('syncRun');
      const at = nowIso();
      await trx
        .insertInto('sync_runs')
        .values({
          id,
          connection_id: connectionId,
          state: 'queued',
          phase: null,
          counts: JSON.stringify(emptyCounts()),
          error: null,
          started_by: actor.userId,
          created_at: at,
          started_at: null,
          finished_at: null,
        })
        .execute();
      await enqueueJob(trx, SYNC_JOB_KIND, id);
      const run = await trx
        .selectFrom('sync_runs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { run: runOf(run), started: true };
    });
  }

  /**
   * The job runner gave a sync run's job up: the process running it kept dying before it finished.
   * The run ends failed with that reason (its counts as its committed steps left them), so that the
   * connection may run again; answers the reason, kept as the job's error too.
   */
  async runGivenUp(runId: string, stops: number): Promise<string> {
    const reason = `the process running this sync run stopped ${stops} times before it finished (killed, or out of memory); it was not retried again`;
    await this.db
      .updateTable('sync_runs')
      .set({ state: 'failed', phase: null, error: reason, finished_at: nowIso() })
      .where('id', '=', runId)
      .where('state', 'in', ['queued', 'running'])
      .execute();
    return reason;
  }

  async getRun(id: string): Promise<SyncRun> {
    const row = await this.db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('sync run', id);
    return runOf(row);
  }

  async runs(connectionId: string, limit = 20): Promise<SyncRun[]> {
    await this.row(connectionId);
    const rows = await this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(runOf);
  }

  async conflicts(filter: { connectionId?: string; limit?: number } = {}): Promise<SyncConflict[]> {
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError('limit', filter.limit, 'must be a whole number from 1 to 1000');
    let query = this.db.selectFrom('sync_conflicts').selectAll();
    if (filter.connectionId) {
      await this.row(filter.connectionId);
      query = query.where('connection_id', '=', filter.connectionId);
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(conflictOf);
  }

  /** The stored row and its password, for a run (never for the API). */
  async credentialsOf(id: string): Promise<{ row: ConnectionRow; password: string }> {
    const row = await this.row(id);
    const { password } = JSON.parse(this.secrets.open(row.credentials, row.id)) as { password: string };
    return { row, password };
  }

  private async connectionOf(row: ConnectionRow): Promise<SyncConnection> {
    const [last, cards] = await Promise.all([
      this.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('connection_id', '=', row.id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
      this.db
        .selectFrom('sync_cards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('connection_id', '=', row.id)
        .executeTakeFirst(),
    ]);
    return {
      id: row.id,
      kind: 'carddav',
      url: row.url,
      username: row.username,
      collection: row.collection,
      collection_url: collectionUrlOf(row.url, row.collection),
      direction: row.direction as SyncDirection,
      conflict_policy: row.conflict_policy as ConflictPolicy,
      feed_cursor: row.feed_cursor,
      has_sync_token: row.sync_token !== null,
      cards: Number(cards?.n ?? 0),
      paused: Number(row.paused) === 1,
      last_run: last ? runOf(last) : null,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  private async row(id: string): Promise<ConnectionRow> {
    const row = await this.db
      .selectFrom('sync_connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('sync connection', id);
    return row;
  }
}
