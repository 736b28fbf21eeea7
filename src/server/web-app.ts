/**
 * Serves the web app built by Vite (dist/web): hashed assets cached for a year, index.html never
 * cached and sent with a fresh CSP nonce for Mantine's <style> tags, and every other non-API path
 * answered with the app so client-side URLs survive a reload. The API under /api is untouched.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/** dist/web beside the compiled server (dist/server), or from the sources when run with tsx. */
export function webAppDir(): string | null {
  const here = import.meta.dirname;
  for (const candidate of [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kith</title></head>
<body><h1>Kith is running</h1><p>The web app has not been built: run <code>npm run build</code> and restart.
The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

export function webAppRoutes(dir: string | null = webAppDir()): FastifyPluginAsync {
  return async (app) => {
    // Everything the web app serves is public: the app itself asks the API who is signed in.
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    const indexHtml = dir ? fs.readFileSync(path.join(dir, 'index.html'), 'utf8') : null;

    const sendApp = (reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      reply.type('text/html; charset=utf-8');
      if (!indexHtml) return reply.send(NOT_BUILT);
      const nonce = randomBytes(16).toString('base64');
      reply.header('content-security-policy', contentSecurityPolicy(nonce));
      return reply.send(indexHtml.replaceAll(NONCE_PLACEHOLDER, nonce));
    };

    if (dir && fs.existsSync(path.join(dir, 'assets'))) {
      await app.register(fastifyStatic, {
        root: path.join(dir, 'assets'),
        prefix: '/assets/',
        index: false,
        wildcard: true,
        immutable: true,
        maxAge: '365d',
        setHeaders: (res) => res.setHeader('content-security-policy', "default-src 'none'"),
      });
    }

    app.get('/', { schema: { hide: true } }, async (_request, reply) => sendApp(reply));
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const pathname = request.url.split('?')[0]!;
      // Unknown API routes and missing files keep answering 404, not the app.
      if (pathname.startsWith('/api/') || pathname === '/api' || pathname.startsWith('/assets/')) {
        return reply.status(404).send({
          error: { code: 'route_not_found', message: `no route ${request.method} ${pathname}` },
        });
      }
      return sendApp(reply);
    });
  };
}
