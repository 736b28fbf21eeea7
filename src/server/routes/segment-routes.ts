import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import { errorResponses, IdParams } from '../schemas.js';

const TagSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contact_count: z.number(),
    created_at: z.string(),
  })
  .meta({ id: 'Tag' });
const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    member_count: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Group' });

export function segmentRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { tags, groups } = services;
  return async (app) => {
    app.get('/tags', {
      config: { access: 'agent' },
      schema: {
        tags: ['tags'],
        summary: 'List tags with their live contact counts',
        response: { 200: z.object({ data: z.array(TagSummarySchema) }) },
      },
      handler: async () => ({ data: await tags.list() }),
    });
    app.patch('/tags/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['tags'],
        summary: 'Rename a tag, or merge it into the tag that already has the new name',
        description:
          'Names compare case-insensitively. When another tag has the new name, every contact holding this tag gets that one instead (each an audited contact change) and this tag is deleted: the answer is the surviving tag, with `merged_from` naming the deleted one.',
        params: IdParams,
        body: z.object({ name: z.string() }),
        response: {
          200: TagSummarySchema.extend({ merged_from: z.string().nullable() }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const result = await tags.rename(request.params.id, request.body.name, actorOf(request));
        return { ...result.tag, merged_from: result.merged_from };
      },
    });
    app.delete('/tags/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['tags'],
        summary: 'Delete a tag from every contact',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await tags.delete(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });

    app.get('/groups', {
      config: { access: 'agent' },
      schema: {
        tags: ['groups'],
        summary: 'List static groups',
        response: { 200: z.object({ data: z.array(GroupSchema) }) },
      },
      handler: async () => ({ data: await groups.list() }),
    });
    app.get('/groups/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['groups'],
        summary: 'Get a group',
        params: IdParams,
        response: { 200: GroupSchema, ...errorResponses },
      },
      handler: async (request) => groups.get(request.params.id),
    });
    app.post('/groups', {
      config: { access: 'admin' },
      schema: {
        tags: ['groups'],
        summary: 'Create a group',
        body: z.object({ name: z.string(), description: z.string().nullable().optional() }),
        response: { 201: GroupSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        reply.status(201);
        return groups.create(request.body, actorOf(request));
      },
    });
    app.patch('/groups/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['groups'],
        summary: 'Rename or describe a group',
        params: IdParams,
        body: z.object({ name: z.string().optional(), description: z.string().nullable().optional() }),
        response: { 200: GroupSchema, ...errorResponses },
      },
      handler: async (request) => groups.update(request.params.id, request.body, actorOf(request)),
    });
    app.delete('/groups/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['groups'],
        summary: 'Delete a group (its contacts stay)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await groups.delete(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
    app.post('/groups/:id/members', {
      config: { access: 'agent' },
      schema: {
        tags: ['groups'],
        summary: 'Add contacts to a group',
        params: IdParams,
        body: z.object({ contact_ids: z.array(z.string()).min(1).max(1000) }),
        response: {
          200: z.object({ added: z.array(z.string()), already_members: z.array(z.string()) }),
          ...errorResponses,
        },
      },
      handler: async (request) =>
        groups.addMembers(request.params.id, request.body.contact_ids, actorOf(request)),
    });
    app.delete('/groups/:id/members/:contact_id', {
      config: { access: 'agent' },
      schema: {
        tags: ['groups'],
        summary: 'Remove a contact from a group',
        params: z.object({ id: z.string(), contact_id: z.string() }),
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await groups.removeMember(request.params.id, request.params.contact_id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
  };
}
