/** Webhook endpoints (admin only): subscribe a URL to events, see its deliveries. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { TEST_EVENT, WEBHOOK_EVENTS } from '../../sync/webhooks/webhook-events.js';
import { actorOf } from '../auth-guard.js';
import { errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });
const DeliverySchema = z
  .object({
    id: z.string(),
    endpoint_id: z.string(),
    event: z.string(),
    status: z.string().describe('pending, delivered or failed (out of attempts)'),
    attempts: z.number(),
    next_attempt_at: z.string().nullable(),
    last_status: z.number().nullable().describe('HTTP status of the last attempt'),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
const SIGNING = `Events: ${WEBHOOK_EVENTS.join(', ')}. Each delivery is a POST of \`{"id", "event", "created_at", "data"}\` with headers X-Kith-Event, X-Kith-Delivery, X-Kith-Timestamp and X-Kith-Signature = \`sha256=\` + hex HMAC-SHA256(secret, "<timestamp>.<body>"). A delivery that fails (no 2xx within 5 s) is retried 8 times over about a day.`;

export function webhookRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { webhooks } = services;
  return async (app) => {
    app.get('/webhooks', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'List webhook endpoints (secrets are not shown)',
        response: { 200: z.object({ data: z.array(EndpointSchema) }) },
      },
      handler: async () => ({ data: await webhooks.list() }),
    });
    app.post('/webhooks', {
      config: { access: 'admin', answerHoldsSecret: true },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events; the answer holds the signing secret, shown only here',
        description: SIGNING,
        body: z.looseObject({}),
        response: { 201: EndpointSchema.extend({ secret: z.string() }), ...errorResponses },
      },
      handler: async (request, reply) => {
        const created = await webhooks.create(request.body, actorOf(request));
        reply.status(201);
        return created;
      },
    });
    app.get('/webhooks/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook endpoint',
        params: IdParams,
        response: { 200: EndpointSchema, ...errorResponses },
      },
      handler: async (request) => webhooks.get(request.params.id),
    });
    app.patch('/webhooks/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint: url, events, secret, description, active',
        params: IdParams,
        body: z.looseObject({}),
        response: { 200: EndpointSchema, ...errorResponses },
      },
      handler: async (request) => webhooks.update(request.params.id, request.body, actorOf(request)),
    });
    app.delete('/webhooks/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'Remove an endpoint and its deliveries',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await webhooks.remove(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
    app.post('/webhooks/:id/test', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: `Send a signed ${TEST_EVENT} event to this endpoint now; answers the delivery after its one attempt`,
        description:
          'Goes through the same outbound guard as every delivery: an address inside the network fails the attempt with the reason in last_error. A test delivery is not retried.',
        params: IdParams,
        response: { 201: DeliverySchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const delivery = await webhooks.sendTest(request.params.id, actorOf(request));
        reply.status(201);
        return delivery;
      },
    });
    app.get('/webhooks/:id/deliveries', {
      config: { access: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'Deliveries to an endpoint, newest first, with their attempts and last error',
        params: IdParams,
        querystring: z.object({ limit: wholeNumberParam(1, 1000).optional() }),
        response: { 200: z.object({ data: z.array(DeliverySchema) }), ...errorResponses },
      },
      handler: async (request) => ({
        data: await webhooks.deliveries(request.params.id, request.query.limit),
      }),
    });
  };
}
