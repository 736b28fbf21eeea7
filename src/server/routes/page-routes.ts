import type { FastifyPluginAsync } from 'fastify';

// Placeholder pages until the web UI lands: enough to see that Kith runs and to finish first-run setup.
const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}
.error{color:#b42318}</style></head><body>${body}</body></html>`;

const HOME = layout(
  'Kith',
  `<h1>Kith</h1>
<p>Kith is running: one clean record per real customer, with every conversation and order attached.</p>
<p>Kith 正在运行：每位真实客户只保留一条干净的记录。</p>
<ul><li><a href="/api/docs">API documentation</a> (<a href="/api/openapi.json">OpenAPI</a>)</li>
<li><a href="/api/health">Health</a></li></ul>
<p>The web interface arrives in a later release; use the API or the <code>kith</code> command meanwhile.</p>`,
);

const SETUP = layout(
  'Kith setup',
  `<h1>Create the first administrator</h1>
<form id="setup"><label for="email">Email</label><input id="email" type="email" required autocomplete="username">
<label for="password">Password (at least 8 characters)</label><input id="password" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Create administrator</button><p id="message" role="status"></p></form>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
document.getElementById('setup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = document.getElementById('message');
  const response = await fetch('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, email: document.getElementById('email').value, password: document.getElementById('password').value }) });
  const body = await response.json();
  message.className = response.ok ? '' : 'error';
  message.textContent = response.ok ? 'Administrator ' + body.email + ' created. You can now sign in.' : body.error.message;
});
</script>`,
);

export const pageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(HOME),
  );
  app.get('/setup', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(SETUP),
  );
};
