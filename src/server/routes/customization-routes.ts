import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import { errorResponses } from '../schemas.js';

const IdentityTypeSchema = z
  .object({ key: z.string(), label: z.string(), builtin: z.boolean(), created_at: z.string() })
  .meta({ id: 'IdentityType' });
const AttributeDefinitionSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    type: z.enum(['text', 'number', 'boolean', 'date', 'list']),
    options: z.array(z.string()).nullable(),
    description: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AttributeDefinition' });
const KeyParams = z.object({ key: z.string() });

export function customizationRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { identityTypes, attributes } = services;
  return async (app) => {
    app.get('/identity-types', {
      config: { access: 'agent' },
      schema: {
        tags: ['settings'],
        summary: 'List identity types',
        response: { 200: z.object({ data: z.array(IdentityTypeSchema) }) },
      },
      handler: async () => ({ data: await identityTypes.list() }),
    });
    app.post('/identity-types', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Define an identity type (e.g. wechat_openid)',
        body: z.object({ key: z.string(), label: z.string().nullable().optional() }),
        response: { 201: IdentityTypeSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        reply.status(201);
        return identityTypes.create(request.body, actorOf(request));
      },
    });
    app.patch('/identity-types/:key', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: "Change an identity type's label (the key is fixed)",
        params: KeyParams,
        // Strict: a key sent here that cannot change (the type) is refused, not ignored.
        body: z.strictObject({ label: z.string().nullable().optional() }),
        response: { 200: IdentityTypeSchema, ...errorResponses },
      },
      handler: async (request) => identityTypes.update(request.params.key, request.body, actorOf(request)),
    });
    app.delete('/identity-types/:key', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Delete an unused identity type',
        params: KeyParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await identityTypes.delete(request.params.key, actorOf(request));
        return reply.status(204).send(null);
      },
    });

    app.get('/attributes', {
      config: { access: 'agent' },
      schema: {
        tags: ['settings'],
        summary: 'List custom attribute definitions',
        response: { 200: z.object({ data: z.array(AttributeDefinitionSchema) }) },
      },
      handler: async () => ({ data: await attributes.list() }),
    });
    app.post('/attributes', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Define a custom attribute',
        body: z.object({
          key: z.string(),
          label: z.string().nullable().optional(),
          type: z.string().describe('text, number, boolean, date or list'),
          options: z.array(z.string()).nullable().optional(),
          description: z.string().nullable().optional(),
        }),
        response: { 201: AttributeDefinitionSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        reply.status(201);
        return attributes.create(request.body, actorOf(request));
      },
    });
    app.patch('/attributes/:key', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Change label, description or list options (the type is fixed)',
        params: KeyParams,
        body: z.strictObject({
          label: z.string().nullable().optional(),
          options: z.array(z.string()).nullable().optional(),
          description: z.string().nullable().optional(),
        }),
        response: { 200: AttributeDefinitionSchema, ...errorResponses },
      },
      handler: async (request) => attributes.update(request.params.key, request.body, actorOf(request)),
    });
    app.delete('/attributes/:key', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Delete an attribute no live contact uses',
        params: KeyParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await attributes.delete(request.params.key, actorOf(request));
        return reply.status(204).send(null);
      },
    });
  };
}
