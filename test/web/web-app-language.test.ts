/**
 * The page the server sends preloads the strings of the language the app will show: the one chosen in
 * the app (its cookie), else the browser's first Chinese or English language, else English.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerLanguage, webAppRoutes } from '../../src/server/web-app.js';

describe('readerLanguage', () => {
  it.each([
    [undefined, undefined, 'en'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    [undefined, 'en-GB,en;q=0.9,zh-CN;q=0.8', 'en'],
    [undefined, 'de-DE,de;q=0.9,zh-TW;q=0.7', 'zh'],
    [undefined, 'fr-FR, ja', 'en'],
    [undefined, '  ZH-hk ;q=1', 'zh'],
    ['zh', 'en-US', 'zh'],
    ['en', 'zh-CN', 'en'],
    ['klingon', 'zh-CN', 'zh'],
  ] as const)('cookie %s, Accept-Language %s → %s', (cookie, accept, expected) => {
    expect(readerLanguage(cookie, accept)).toBe(expected);
  });
});

describe('the app page', () => {
  let dir: string;
  const app = Fastify();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.mkdirSync(path.join(dir, '.vite'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<html><head><meta name="csp-nonce" content="__CSP_NONCE__" /></head><body></body></html>',
    );
    fs.writeFileSync(
      path.join(dir, '.vite', 'manifest.json'),
      JSON.stringify({
        'src/i18n/en.ts': { file: 'assets/en-AAAA.js' },
        'src/i18n/zh.ts': { file: 'assets/zh-BBBB.js' },
      }),
    );
    await app.register(fastifyCookie);
    await app.register(webAppRoutes(dir));
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{}, '/assets/en-AAAA.js'],
    [{ 'accept-language': 'zh-CN,zh;q=0.9' }, '/assets/zh-BBBB.js'],
    [{ 'accept-language': 'zh-CN', cookie: 'kith_language=en' }, '/assets/en-AAAA.js'],
    [{ cookie: 'other=1; kith_language=zh' }, '/assets/zh-BBBB.js'],
  ])('%j preloads %s, and only it', async (headers, chunk) => {
    const response = await app.inject({ url: '/customers?q=x', headers });
    expect(response.statusCode).toBe(200);
    const preloads = [...response.body.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)];
    expect(preloads.map((m) => m[1])).toEqual([chunk]);
    expect(response.body.indexOf(preloads[0]![0])).toBeLessThan(response.body.indexOf('</head>'));
    expect(response.headers.vary).toContain('accept-language');
  });
});
