/**
 * Import mappings saved under a name (admin-only), the team's to reuse in the wizard and the CLI:
 * list, save, rename or replace, delete (SavedMappingService).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import { errorResponses, IdParams } from '../schemas.js';

const SavedMappingSchema = z
  .object({
    id: z.string().describe('Saved mapping id, prefixed map_'),
    name: z.string(),
    mapping: z
      .record(z.string(), z.string())
      .describe('column → target, as POST /imports takes it in `mapping`'),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_by: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: 'SavedImportMapping' });

const SavedMappingBody = z.object({
  name: z.unknown().optional().describe('Unique, compared without case; at most 100 characters'),
  mapping: z
    .unknown()
    .optional()
    .describe(
      'column → target; each target checked as an import checks it (fields, identity.<type>, attr.<key>, tags, ignore)',
    ),
});

export function savedMappingRoutes(services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/imports/mappings', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Import mappings saved under a name, by name',
        response: { 200: z.object({ data: z.array(SavedMappingSchema) }) },
      },
      handler: async () => ({ data: await services.savedMappings.list() }),
    });

    app.post('/imports/mappings', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Save a mapping under a name (409 `conflict` when the name is taken)',
        description:
          'Saved mappings are the team’s: the store keeps at most KITH_MAX_SAVED_MAPPINGS of them in all (default 200). One more answers 409 `too_many_saved_mappings`, its message naming the limit, with `details.limit` and `details.saved`: delete one no longer used (DELETE /imports/mappings/{id}) or save over an old one (PUT /imports/mappings/{id}) instead.',
        body: SavedMappingBody,
        response: { 201: SavedMappingSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const saved = await services.savedMappings.create(request.body, actorOf(request));
        reply.status(201);
        return saved;
      },
    });

    app.put('/imports/mappings/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Rename a saved mapping or replace its mapping (its creator or an admin)',
        params: IdParams,
        body: SavedMappingBody,
        response: { 200: SavedMappingSchema, ...errorResponses },
      },
      handler: async (request) =>
        services.savedMappings.update(
          request.params.id,
          request.body,
          actorOf(request),
          currentUser(request).role === 'admin',
        ),
    });

    app.delete('/imports/mappings/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Delete a saved mapping (its creator or an admin)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await services.savedMappings.remove(
          request.params.id,
          actorOf(request),
          currentUser(request).role === 'admin',
        );
        return reply.status(204).send(null);
      },
    });
  };
}
