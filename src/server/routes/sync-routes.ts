/** Two-way sync connections (admin only): CardDAV address books, their runs and conflicts. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { CONFLICT_POLICIES, SYNC_DIRECTIONS } from '../../sync/carddav/sync-connection-service.js';
import { actorOf } from '../auth-guard.js';
import { errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

const CountsSchema = z
  .object({
    pulled_created: z.number(),
    pulled_updated: z.number(),
    pulled_deleted: z.number(),
    pushed_created: z.number(),
    pushed_updated: z.number(),
    pushed_deleted: z.number(),
    conflicts: z.number(),
    failed: z.number(),
    echoes_skipped: z.number().describe('changes that came from this connection, not sent back to it'),
    requests: z.number().describe('HTTP requests sent to the server'),
  })
  .meta({ id: 'SyncCounts' });
const RunSchema = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    state: z.string().describe('queued, running, done or failed'),
    phase: z.string().nullable().describe('pull (server → Kith) or push (Kith → server) while running'),
    counts: CountsSchema,
    error: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'SyncRun' });
const ConnectionSchema = z
  .object({
    id: z.string(),
    kind: z.literal('carddav'),
    url: z.string(),
    username: z.string(),
    collection: z.string(),
    collection_url: z.string(),
    direction: z.enum(SYNC_DIRECTIONS),
    conflict_policy: z.enum(CONFLICT_POLICIES),
    feed_cursor: z.string(),
    has_sync_token: z.boolean(),
    cards: z.number(),
    paused: z.boolean().describe('a paused connection starts no run until resumed'),
    last_run: RunSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'SyncConnection', description: 'The password is stored encrypted and never returned.' });
const ConflictSchema = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    run_id: z.string().nullable(),
    contact_id: z.string().nullable(),
    href: z.string(),
    policy: z.enum(CONFLICT_POLICIES),
    winner: z.enum(['kith', 'remote']),
    kith_version: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('the contact in Kith (null: deleted)'),
    remote_version: z.string().nullable().describe('the vCard on the server (null: deleted)'),
    remote_fields: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        'that vCard read as the sync reads it, with the contact fields of `kith_version` (null: deleted, or not a readable card)',
      ),
    created_at: z.string(),
  })
  .meta({ id: 'SyncConflict' });
const ConnectionInput = z
  .object({
    kind: z.string().optional().describe('carddav'),
    url: z.string().describe("the server's URL, or the address book's"),
    username: z.string(),
    password: z.string().describe('stored encrypted with KITH_SECRET_KEY; never returned'),
    collection: z
      .string()
      .nullable()
      .optional()
      .describe("the address book's path, when the URL is the server's"),
    // Checked by the service, which names every bad field at once.
    direction: z
      .string()
      .optional()
      .describe(`${SYNC_DIRECTIONS.join(', ')} (default both)`),
    conflict_policy: z
      .string()
      .optional()
      .describe(`${CONFLICT_POLICIES.join(', ')} (default newest)`),
  })
  .loose();

const ConnectionUpdate = z
  .object({
    url: z.string().optional().describe("the server's URL, or the address book's"),
    username: z.string().optional(),
    password: z
      .string()
      .nullable()
      .optional()
      .describe('a new password (stored encrypted); blank or absent keeps the stored one'),
    collection: z.string().nullable().optional().describe("the address book's path"),
    direction: z.string().optional().describe(SYNC_DIRECTIONS.join(', ')),
    conflict_policy: z.string().optional().describe(CONFLICT_POLICIES.join(', ')),
    paused: z.boolean().optional().describe('true pauses the connection (no run starts), false resumes it'),
  })
  .loose();

const HOW = `A run pulls the address book's changes since its sync token (RFC 6578) into Kith — matched to customers by UID (identity carddav_uid), phone and e-mail — and pushes Kith's changes since its change-feed cursor with If-Match; a change on both sides is a conflict settled by the connection's policy and recorded with both versions. Requests to internal addresses are refused unless KITH_OUTBOUND_ALLOW lists the host.`;

export function syncRoutes(services: KithServices, onJobQueued: () => void): FastifyPluginAsyncZod {
  const { sync } = services;
  return async (app) => {
    app.get('/sync/connections', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Sync connections with their last run (the status)',
        response: {
          200: z.object({
            data: z.array(ConnectionSchema),
            passwords_storable: z
              .boolean()
              .describe('whether this server can store connection passwords (KITH_SECRET_KEY is set)'),
          }),
        },
      },
      handler: async () => ({ data: await sync.list(), passwords_storable: sync.passwordsStorable }),
    });
    app.post('/sync/connections', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Add a CardDAV address book to keep in step with Kith',
        description: `${HOW} Refused (409 secret_key_missing) when KITH_SECRET_KEY is not set.`,
        body: ConnectionInput,
        response: { 201: ConnectionSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const created = await sync.create(request.body, actorOf(request));
        reply.status(201);
        return created;
      },
    });
    app.get('/sync/connections/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'One sync connection',
        params: IdParams,
        response: { 200: ConnectionSchema, ...errorResponses },
      },
      handler: async (request) => sync.get(request.params.id),
    });
    app.patch('/sync/connections/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Change a connection: URL, user, password, collection, direction, conflict policy, paused',
        description:
          'Only the fields sent change; a blank or absent password keeps the stored one. Pointing the connection at another address book (a new URL or collection) resets its sync state — sync token, known cards, change-feed cursor — so the next run is a first run both ways; refused (409 sync_run_open) while a run is queued or running. A paused connection refuses runs (409 sync_paused).',
        params: IdParams,
        body: ConnectionUpdate,
        response: { 200: ConnectionSchema, ...errorResponses },
      },
      handler: async (request) => sync.update(request.params.id, request.body, actorOf(request)),
    });
    app.delete('/sync/connections/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Remove a connection, its state, runs and conflicts (the cards and customers stay)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await sync.remove(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
    app.post('/sync/connections/:id/runs', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary:
          'Run the connection now (a background job); a run already queued or running is answered instead',
        description: HOW,
        params: IdParams,
        response: { 202: RunSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const { run, started } = await sync.startRun(request.params.id, actorOf(request));
        if (started) onJobQueued();
        reply.status(202);
        return run;
      },
    });
    app.get('/sync/connections/:id/runs', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Runs of a connection, newest first',
        params: IdParams,
        querystring: z.object({ limit: wholeNumberParam(1, 200).optional() }),
        response: { 200: z.object({ data: z.array(RunSchema) }), ...errorResponses },
      },
      handler: async (request) => ({ data: await sync.runs(request.params.id, request.query.limit) }),
    });
    app.get('/sync/runs/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'One run: state, phase and counts so far',
        params: IdParams,
        response: { 200: RunSchema, ...errorResponses },
      },
      handler: async (request) => sync.getRun(request.params.id),
    });
    app.get('/sync/conflicts', {
      config: { access: 'admin' },
      schema: {
        tags: ['sync'],
        summary: 'Conflicts, newest first, each with both versions and whose was kept',
        querystring: z.object({
          connection_id: z.string().optional(),
          limit: wholeNumberParam(1, 1000).optional(),
        }),
        response: { 200: z.object({ data: z.array(ConflictSchema) }), ...errorResponses },
      },
      handler: async (request) => ({
        data: await sync.conflicts({ connectionId: request.query.connection_id, limit: request.query.limit }),
      }),
    });
  };
}
