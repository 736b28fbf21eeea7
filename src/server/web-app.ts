/**
 * Serves the web app built by Vite (dist/web): hashed assets cached for a year, index.html never
 * cached and sent with a fresh CSP nonce for Mantine's <style> tags and a preload of the strings of
 * the reader's language, and every other non-API path answered with the app so client-side URLs
 * survive a reload. The API under /api is untouched.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler } from './error-handler.js';

const NONCE_PLACEHOLDER = '__CSP_NONCE__';

type Language = 'en' | 'zh';
/** Set by the web app with the language chosen in it (web/src/i18n/index.ts), as it keeps it itself. */
export const LANGUAGE_COOKIE = 'kith_language';
/** Each language's strings, as Vite's manifest names their modules. */
const LANGUAGE_MODULES: Record<Language, string> = { en: 'src/i18n/en.ts', zh: 'src/i18n/zh.ts' };

/**
 * The language the app will show, as it chooses it (web/src/i18n/index.ts): the one chosen in it,
 * else the first of the browser's languages that is Chinese or English, else English.
 */
export function readerLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (cookie === 'en' || cookie === 'zh') return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The built file of each language's strings, from Vite's manifest (none when it is missing). */
function languageChunks(dir: string): Partial<Record<Language, string>> {
  const file = path.join(dir, '.vite', 'manifest.json');
  if (!fs.existsSync(file)) return {};
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { file?: string }>;
  const chunks: Partial<Record<Language, string>> = {};
  for (const language of ['en', 'zh'] as const) {
    const chunk = manifest[LANGUAGE_MODULES[language]]?.file;
    if (chunk) chunks[language] = chunk;
  }
  return chunks;
}

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
    // The app awaits its language's strings before the first screen: the page for each language
    // preloads them beside the entry script rather than after it has run (one round trip less on a
    // cold load). Built once; a request only adds its nonce.
    const chunks = dir ? languageChunks(dir) : {};
    const pageOf = (language: Language) =>
      chunks[language] && indexHtml
        ? indexHtml.replace(
            '</head>',
            `  <link rel="modulepreload" crossorigin href="/${chunks[language]}">\n  </head>`,
          )
        : indexHtml;
    const pages: Record<Language, string | null> = { en: pageOf('en'), zh: pageOf('zh') };

    const sendApp = (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      reply.type('text/html; charset=utf-8');
      const page =
        pages[readerLanguage(request.cookies?.[LANGUAGE_COOKIE], request.headers['accept-language'])];
      if (!page) return reply.send(NOT_BUILT);
      const nonce = randomBytes(16).toString('base64');
      reply.header('content-security-policy', contentSecurityPolicy(nonce));
      reply.header('vary', 'cookie, accept-language');
      return reply.send(page.replaceAll(NONCE_PLACEHOLDER, nonce));
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

    app.get('/', { schema: { hide: true } }, async (request, reply) => sendApp(request, reply));
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const pathname = request.url.split('?')[0]!;
      // Unknown API routes and missing files keep answering 404, not the app. The reply is returned,
      // sent: an async handler resolving to nothing after sending made Fastify send again, and log
      // every such address (a scanner's thousands) as a failed request ("Cannot write headers").
      if (pathname.startsWith('/api/') || pathname === '/api' || pathname.startsWith('/assets/')) {
        notFoundHandler(request, reply);
        return reply;
      }
      return sendApp(request, reply);
    });
  };
}
