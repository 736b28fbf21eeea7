import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';

export function healthRoutes(services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database reachability, for load balancers',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }),
          503: z.object({ status: z.literal('unavailable'), database: z.enum(['sqlite', 'postgres']) }),
        },
      },
      handler: async (request, reply) => {
        const database = services.store.dialect;
        try {
          await services.store.ping();
          return { status: 'ok' as const, database };
        } catch (e) {
          request.log.error({ err: e }, 'health check: database unreachable');
          reply.status(503);
          return { status: 'unavailable' as const, database };
        }
      },
    });
  };
}
