/** Builds the Fastify application; `kith serve` listens with it and tests drive it over real HTTP. */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import type { TrustProxySetting } from '../config.js';
import type { KithServices } from '../services.js';
import { registerAuthGuard } from './auth-guard.js';
import { registerIdempotencyKeys } from './idempotency.js';
import { loggedRequest } from './request-log.js';
import {
  ANONYMOUS_BODY_MS,
  type BodyDeadlines,
  registerBodyDeadlines,
  signedInBodyMs,
} from './request-deadlines.js';
import { registerWellFormedBodies } from './well-formed-body.js';
import { validatorCompiler } from './validation.js';
import {
  clientErrorHandler,
  errorHandler,
  frameworkErrorHandler,
  MAX_PARAM_LENGTH,
  notFoundHandler,
} from './error-handler.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { automationRoutes } from './routes/automation-routes.js';
import { syncRoutes } from './routes/sync-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { contactRoutes } from './routes/contact-routes.js';
import { exportRoutes } from './routes/export-routes.js';
import { changeRoutes } from './routes/change-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { customizationRoutes } from './routes/customization-routes.js';
import { contactDeletionRoutes } from './routes/contact-deletion-routes.js';
import { duplicateRoutes } from './routes/duplicate-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { MAX_UPLOAD_FIELD_BYTES } from './import-upload.js';
import { importRoutes } from './routes/import-routes.js';
import { savedMappingRoutes } from './routes/saved-mapping-routes.js';
import { liveRoutes } from './routes/live-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { profileRoutes } from './routes/profile-routes.js';
import { segmentRoutes } from './routes/segment-routes.js';
import { fastifyTrustProxy } from './trust-proxy.js';
import { LiveHub, type LiveHubOptions } from './live-stream.js';
import { webAppRoutes } from './web-app.js';

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** Which reverse proxies' X-Forwarded-* to believe (KITH_TRUST_PROXY); none by default. */
  trustProxy?: TrustProxySetting;
  /** Called when a route queued a background job, so an in-process runner starts it at once. */
  onJobQueued?: () => void;
  /** The live stream's timings and bounds (tests shorten them). */
  live?: LiveHubOptions;
  /** How long a request's body may take to arrive (tests shorten them). */
  bodyDeadlines?: Partial<BodyDeadlines>;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveHub;
  }
}

export const API_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The policy of every answer that is not a page (JSON, downloads, errors): nothing in it may run or load,
 * should a browser ever render one, and no page may frame it.
 */
export const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The API documentation (Swagger UI under /api/docs): its own scripts, styles and the OpenAPI document
 * from this server only; no inline or foreign script. Its React components set inline styles.
 */
export const API_DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How long `kith serve` lets requests under way finish once asked to stop (SIGTERM, Ctrl-C). */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Stops the server: no new connections, live streams ended (browsers reconnect to the next server),
 * idle connections closed, requests under way answered; whatever connection is still open after
 * `graceMs` (a slow upload, a long download) is cut.
 */
export async function closeServer(app: FastifyInstance, graceMs = CLOSE_GRACE_MS): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

export async function buildServer(
  services: KithServices,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const app = Fastify({
    // Requests are logged without the values of their query (what customers are searched by).
    logger:
      logger === false
        ? false
        : {
            ...(logger === true ? {} : logger),
            serializers: { req: loggedRequest, ...(logger === true ? {} : logger.serializers) },
          },
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    bodyLimit: API_BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // Stopping (closeServer): connections idle at that moment are closed and a request arriving on a
    // kept-alive one is answered 503 with Connection: close (Fastify's defaults, spelled out).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  await app.register(fastifyCookie);
  // Security headers on every answer; the web app's pages set their own Content-Security-Policy
  // (with a nonce), and the API documentation pages need theirs relaxed, so CSP is per route: what
  // sets none gets the strictest policy of its kind here.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', request.url.startsWith('/api/docs') ? API_DOCS_CSP : API_CSP);
    return payload;
  });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: services.config.maxUploadBytes,
      files: 2,
      fields: 20,
      fieldSize: MAX_UPLOAD_FIELD_BYTES,
    },
  });
  registerAuthGuard(app, services);
  registerBodyDeadlines(app, {
    anonymousMs: options.bodyDeadlines?.anonymousMs ?? ANONYMOUS_BODY_MS,
    signedInMs: options.bodyDeadlines?.signedInMs ?? signedInBodyMs(services.config.maxUploadBytes),
  });
  registerIdempotencyKeys(app, services.idempotencyKeys);
  registerWellFormedBodies(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Kith API',
        version: '1',
        description:
          'Self-hosted customer data hub. JSON, snake_case. Authenticate with the session cookie (POST /api/auth/login) or `Authorization: Bearer <token>`. Every 4xx answers `{"error": {"code", "message", "details"}}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'kith_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.addHook('onRoute', (route) => {
    // swagger-ui's own routes are documentation pages: public.
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: 'public' };
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  // One live stream hub per server process; open streams end before the server closes.
  const live = new LiveHub(services.conversationStream, options.live);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    await live.close();
  });
  // A request already under way when the server began to stop is answered, then its connection
  // closed: kept alive, it would hold the stopping process until the client let go of it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (closing && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    return payload;
  });
  app.decorate('live', live);

  await app.register(
    async (api) => {
      await api.register(healthRoutes(services));
      await api.register(authRoutes(services));
      await api.register(contactRoutes(services));
      await api.register(contactDeletionRoutes(services));
      await api.register(exportRoutes(services, options.onJobQueued ?? (() => undefined)));
      await api.register(changeRoutes(services));
      await api.register(segmentRoutes(services));
      await api.register(customizationRoutes(services));
      await api.register(duplicateRoutes(services, options.onJobQueued ?? (() => undefined)));
      await api.register(importRoutes(services, options.onJobQueued ?? (() => undefined)));
      await api.register(savedMappingRoutes(services));
      await api.register(orderRoutes(services));
      await api.register(conversationRoutes(services));
      await api.register(liveRoutes(live, services));
      await api.register(automationRoutes(services));
      await api.register(webhookRoutes(services));
      await api.register(syncRoutes(services, options.onJobQueued ?? (() => undefined)));
      await api.register(profileRoutes(services));
      await api.register(auditRoutes(services));
    },
    { prefix: '/api' },
  );
  await app.register(webAppRoutes());
  return app;
}
