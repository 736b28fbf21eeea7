// The web app: built into dist/web and served by the Fastify server; `npm run dev:web` proxies /api.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // write-excel-file's fflate without its blob: workers, which the page's CSP refuses (see the file).
  resolve: { alias: [{ find: /^fflate$/, replacement: `${import.meta.dirname}/fflate-on-main-thread.ts` }] },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Hashed file names: the server caches them for a year; index.html is never cached.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
    // dist/web/.vite/manifest.json: the server finds each language's chunk in it to preload it.
    manifest: true,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.KITH_API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
