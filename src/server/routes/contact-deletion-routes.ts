/**
 * Batch deletion over HTTP (admin-only): delete contacts by ids or a list filter with a typed
 * confirmation count and a backup written first, list the deletions, download a backup, restore one
 * within the retention period (ContactBatchDeleteService).
 */
import fs from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import { ContactFilterSchema, ContactSchema, errorResponses, IdParams } from '../schemas.js';

const DeletionSchema = z.object({
  id: z.string(),
  count: z.number(),
  selection: z.unknown(),
  backup_file: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  restore_until: z.string(),
  restored_at: z.string().nullable(),
});

export function contactDeletionRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { batchDeletes } = services;
  return async (app) => {
    app.post('/contacts/batch-delete', {
      schema: {
        tags: ['contacts'],
        summary:
          'Delete contacts by ids or filter; a backup is written first; confirm_count must equal the selection',
        // One object with either `ids` or `filter` (not a union: a union's refusal says only "Invalid
        // input", where this one names the field).
        body: z
          .strictObject({
            ids: z.array(z.string()).min(1).optional(),
            filter: ContactFilterSchema.optional(),
            confirm_count: z.number().int().optional(),
          })
          .refine((b) => (b.ids === undefined) !== (b.filter === undefined), {
            message: 'give either ids or filter (one of them)',
            path: ['ids'],
          }),
        response: { 200: DeletionSchema, ...errorResponses },
      },
      handler: async (request) => {
        const body = request.body;
        const selection = body.ids ? { ids: body.ids } : { filter: body.filter! };
        return batchDeletes.delete(selection, body.confirm_count, actorOf(request));
      },
    });
    app.get('/contacts/deletions', {
      schema: {
        tags: ['contacts'],
        summary: 'Batch deletions',
        response: {
          200: z.object({
            data: z.array(DeletionSchema),
            retention_days: z
              .number()
              .describe('Days a new deletion can be restored (KITH_DELETE_RETENTION_DAYS)'),
          }),
          ...errorResponses,
        },
      },
      handler: async () => ({
        data: await batchDeletes.list(),
        retention_days: services.config.deleteRetentionDays,
      }),
    });
    app.get('/contacts/deletions/:id/backup', {
      schema: {
        tags: ['contacts'],
        summary: 'Download the backup of a batch deletion (NDJSON, one contact per line)',
        params: IdParams,
      },
      handler: async (request, reply) => {
        const deletion = await batchDeletes.get(request.params.id);
        const file = await batchDeletes.backupPath(deletion.id);
        reply.header('content-type', 'application/x-ndjson; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${deletion.backup_file}"`);
        return reply.send(fs.createReadStream(file));
      },
    });
    app.post('/contacts/deletions/:id/restore', {
      schema: {
        tags: ['contacts'],
        summary: 'Restore the contacts of a batch deletion within the retention period',
        params: IdParams,
        response: {
          200: z.object({ deletion_id: z.string(), restored: z.array(ContactSchema) }),
          ...errorResponses,
        },
      },
      handler: async (request) => batchDeletes.restore(request.params.id, actorOf(request)),
    });
  };
}
