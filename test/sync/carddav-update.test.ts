import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressBook, startRadicale, type TestRadicale } from '../support/radicale.js';
import { runCli } from '../support/run-cli.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Editing a sync connection (PATCH /api/sync/connections/{id}, `kith sync connections update`) against a
 * real Radicale: a blank password keeps the stored one, a new one replaces it, pausing stops runs,
 * pointing the connection at another address book resets its state so the next run is a first run.
 */
describe(`editing a sync connection on ${TEST_DIALECT}`, () => {
  let radicale: TestRadicale;
  let server: TestServer;
  let admin: string;
  let agent: string;
  let id: string;
  const secretKey = Buffer.alloc(32, 5).toString('hex');

  beforeAll(async () => {
    radicale = await startRadicale();
    server = await startTestServer({ KITH_SECRET_KEY: secretKey, KITH_OUTBOUND_ALLOW: '127.0.0.1' });
    ({ admin, agent } = await adminAndAgentTokens(server));
    const url = await createAddressBook(radicale, 'first-book');
    const created = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: admin,
      body: { url, username: radicale.user, password: radicale.password },
    });
    id = created.body.id;
    await api(server.baseUrl, 'POST', '/api/contacts', {
      token: admin,
      body: { name: '王芳', email: 'wang.fang@example.cn' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await radicale?.stop();
  });

  const patch = (body: unknown, token = admin) =>
    api(server.baseUrl, 'PATCH', `/api/sync/connections/${id}`, { token, body });

  const runToEnd = async () => {
    const run = await api(server.baseUrl, 'POST', `/api/sync/connections/${id}/runs`, { token: admin });
    if (run.status !== 202) return run;
    let state = run.body;
    const deadline = Date.now() + 20_000;
    while (['queued', 'running'].includes(state.state) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await api(server.baseUrl, 'GET', `/api/sync/runs/${run.body.id}`, { token: admin })).body;
    }
    return { status: 202, body: state };
  };

  it('changes direction and policy without losing the sync state; a blank password keeps the stored one', async () => {
    expect((await runToEnd()).body).toMatchObject({ state: 'done', counts: { pushed_created: 1 } });
    const changed = await patch({ direction: 'to-remote', conflict_policy: 'kith-wins', password: '' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      direction: 'to-remote',
      conflict_policy: 'kith-wins',
      cards: 1,
      has_sync_token: true,
      paused: false,
    });
    expect(changed.body.feed_cursor).not.toBe('0');
    // The stored password still works.
    expect((await runToEnd()).body).toMatchObject({ state: 'done', counts: { failed: 0 } });
    expect((await patch({}, agent)).status).toBe(403);
  });

  it('a new password replaces the stored one (sealed, never returned or audit-logged)', async () => {
    const wrong = await patch({ password: 'not-the-password', direction: 'both' });
    expect(wrong.status).toBe(200);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-password');
    const failed = await runToEnd();
    expect(failed.body.state).toBe('failed');
    expect(failed.body.error).toMatch(/401/);
    await patch({ password: radicale.password });
    expect((await runToEnd()).body.state).toBe('done');
    const audit = await server.kith.store.db
      .selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_type', '=', 'sync_connection')
      .where('entity_id', '=', id)
      .execute();
    const text = JSON.stringify(audit);
    expect(text).not.toContain('not-the-password');
    expect(text).not.toContain(radicale.password);
    expect(audit.map((a) => a.action)).toContain('updated');
    expect(text).toContain('(changed)');
  });

  it('refuses bad changes naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ direction: 'sideways' }, 'direction'],
      [{ conflict_policy: 'coin-toss' }, 'conflict_policy'],
      [{ url: 'ftp://example.com/book/' }, 'url'],
      [{ username: '  ' }, 'username'],
      [{ paused: 'yes' }, 'paused'],
      [{ collection: 'https://elsewhere.example.com/book/' }, 'collection'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const r = await patch(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.body.error.details), JSON.stringify(body)).toContain(field);
    }
    expect(
      (await api(server.baseUrl, 'PATCH', '/api/sync/connections/syn_nope', { token: admin, body: {} }))
        .status,
    ).toBe(404);
  });

  it('a paused connection refuses runs until resumed', async () => {
    expect((await patch({ paused: true })).body.paused).toBe(true);
    const refused = await api(server.baseUrl, 'POST', `/api/sync/connections/${id}/runs`, { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('sync_paused');
    expect((await patch({ paused: false })).body.paused).toBe(false);
    expect((await runToEnd()).body.state).toBe('done');
  });

  it('another address book resets the state: the next run is a first run into the new book', async () => {
    await createAddressBook(radicale, 'second-book');
    const moved = await patch({ collection: `/${radicale.user}/second-book/`, direction: 'both' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      collection: `/${radicale.user}/second-book/`,
      cards: 0,
      has_sync_token: false,
      feed_cursor: '0',
    });
    const first = await runToEnd();
    expect(first.body).toMatchObject({ state: 'done', counts: { pushed_created: 1, failed: 0 } });
    const listing = await fetch(`${radicale.baseUrl}/${radicale.user}/second-book/`, {
      method: 'PROPFIND',
      headers: { authorization: radicale.authorization, depth: '1' },
    });
    expect((await listing.text()).match(/\.vcf</g)?.length).toBe(1);
    const audit = await server.kith.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'sync_connection')
      .where('entity_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('updated_and_reset');
  });

  // Three runs of the real command (each starts Node and tsx: seconds apiece on a busy machine).
  it('kith sync connections update changes a connection; kith sync run leaves paused ones out', async () => {
    const env = server.kith.database.env;
    const paused = await runCli(
      ['sync', 'connections', 'update', id, '--pause', '--conflicts', 'newest', '--json'],
      env,
    );
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ id, paused: true, conflict_policy: 'newest' });
    const none = await runCli(['sync', 'run'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no active sync connection');
    const bad = await runCli(
      ['sync', 'connections', 'update', id, '--resume', '--direction', 'sideways'],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('direction');
    // Nothing of a refused change is kept: still paused.
    expect(
      (await api(server.baseUrl, 'GET', `/api/sync/connections/${id}`, { token: admin })).body.paused,
    ).toBe(true);
  }, 240_000);
});
