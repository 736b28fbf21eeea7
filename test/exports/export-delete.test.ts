/**
 * DELETE /api/exports/{id} and `kith export delete`: a requester deletes their export's file before it
 * expires (an administrator anyone's); a queued export never runs, a running one stops; the row stays,
 * `deleted`, its download answers 410, the audit log has it, and it no longer counts towards
 * KITH_MAX_EXPORTS_PER_USER. No job runner here: each test runs the jobs it means to, when it means to.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { claimJob, recordJobProgress } from '../../src/jobs/job-queue.js';
import { type JobContext, JobRunner, LeaseLostError } from '../../src/jobs/job-runner.js';
import { buildServer } from '../../src/server/app.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { api } from '../support/test-server.js';

describe(`deleting an export on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let app: FastifyInstance;
  let baseUrl: string;
  let runner: JobRunner;
  let admin: string;
  let agent: string;
  let otherAgent: string;
  let adminId: string;

  beforeAll(async () => {
    kith = await createTestKith({ KITH_MAX_EXPORTS_PER_USER: '2' });
    app = await buildServer(kith);
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    runner = new JobRunner(kith.store, kith.jobHandlers);
    const user = async (email: string, role: string) => {
      const u = await kith.users.create({ email, password: 'export pass', role }, SYSTEM_ACTOR);
      return { id: u.id, token: (await kith.tokens.create(u.id, null, SYSTEM_ACTOR)).token };
    };
    const a = await user('admin@example.com', 'admin');
    adminId = a.id;
    admin = a.token;
    agent = (await user('agent@example.com', 'agent')).token;
    otherAgent = (await user('other-agent@example.com', 'agent')).token;
    const rows = Array.from({ length: 1200 }, (_, i) => `Customer ${i},c${i}@example.com,big`);
    await runImport(kith, fixture('many.csv', `name,email,tags\n${rows.join('\n')}\n`));
    await kith.contacts.create({ name: '李娜', email: 'li.na@example.cn' }, ADMIN);
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  const exportsDir = () => path.join(kith.config.dataDir, 'exports');
  const filesOf = (id: string) =>
    fs.existsSync(exportsDir()) ? fs.readdirSync(exportsDir()).filter((f) => f.startsWith(id)) : [];
  const startOrders = (token: string) =>
    api(baseUrl, 'POST', '/api/exports', { token, body: { kind: 'orders', format: 'csv' } });
  const finished = async (token: string, body: object = { kind: 'orders', format: 'csv' }) => {
    const started = await api(baseUrl, 'POST', '/api/exports', { token, body });
    expect(started.status).toBe(202);
    expect(await runner.runOnce({ subjectId: started.body.id })).toBe(true);
    const done = (await api(baseUrl, 'GET', `/api/exports/${started.body.id}`, { token })).body;
    expect(done.state).toBe('done');
    expect(filesOf(done.id)).toEqual([done.id]);
    return done;
  };
  const auditOf = (id: string) =>
    kith.store.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'channel', 'changes'])
      .where('entity_type', '=', 'export')
      .where('entity_id', '=', id)
      .orderBy('id')
      .execute();
  const remove = (id: string, token: string) => api(baseUrl, 'DELETE', `/api/exports/${id}`, { token });

  it('lets the requester delete their export: the file goes, the row stays deleted, the download answers 410', async () => {
    const done = await finished(agent);
    const deleted = await remove(done.id, agent);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      id: done.id,
      state: 'deleted',
      download_url: null,
      error: null,
      rows: done.rows,
      deleted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(filesOf(done.id)).toEqual([]);
    const listed = await api(baseUrl, 'GET', '/api/exports', { token: agent });
    expect(listed.body.data.find((e: { id: string }) => e.id === done.id).state).toBe('deleted');
    const gone = await api(baseUrl, 'GET', `/api/exports/${done.id}/file`, { token: agent });
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({
      code: 'export_deleted',
      message: `export ${done.id}'s file was deleted on ${deleted.body.deleted_at}, before it expired; run the export again`,
      details: { id: done.id, deleted_at: deleted.body.deleted_at },
    });
    // Once more: nothing changes, and nothing more is on record.
    const again = await remove(done.id, agent);
    expect(again.status).toBe(200);
    expect(again.body.deleted_at).toBe(deleted.body.deleted_at);
    const audit = await auditOf(done.id);
    expect(audit.map((a) => a.action)).toEqual(['requested', 'completed', 'deleted']);
    expect(JSON.parse(audit[2]!.changes)).toEqual([{ field: 'state', old: 'done', new: 'deleted' }]);
    // Pruning later leaves it deleted (not expired).
    await kith.exportJobs.prune(new Date(Date.now() + 30 * 86_400_000));
    expect((await api(baseUrl, 'GET', `/api/exports/${done.id}`, { token: agent })).body.state).toBe(
      'deleted',
    );
  });

  it('lets an administrator delete anyone’s; to another agent someone else’s export does not exist', async () => {
    const done = await finished(agent);
    const unknown = await remove('exp_01kxxxxxxxxxxxxxxxxxxxxxxx', otherAgent);
    expect(unknown.status).toBe(404);
    const others = await remove(done.id, otherAgent);
    // The same answer as its GET, which tells the export apart from none at all only by its id.
    const get = await api(baseUrl, 'GET', `/api/exports/${done.id}`, { token: otherAgent });
    expect(others.status).toBe(404);
    expect(others.body).toEqual(get.body);
    expect(others.body.error.code).toBe(unknown.body.error.code);
    expect(filesOf(done.id)).toEqual([done.id]);
    // A customers export is an administrator's: an agent cannot even see it.
    const customers = await finished(admin, { format: 'csv', columns: ['id'] });
    expect((await remove(customers.id, agent)).status).toBe(404);

    const byAdmin = await remove(done.id, admin);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.state).toBe('deleted');
    expect(filesOf(done.id)).toEqual([]);
    const audit = await auditOf(done.id);
    expect(audit.at(-1)).toMatchObject({ action: 'deleted', actor_id: adminId, channel: 'api' });
    expect((await remove(customers.id, admin)).body.state).toBe('deleted');
  });

  it('cancels a queued export: its job never runs and no file is written', async () => {
    const queued = await startOrders(agent);
    expect(queued.body.state).toBe('queued');
    const deleted = await remove(queued.body.id, agent);
    expect(deleted.body).toMatchObject({ state: 'deleted', error: null });
    expect(await runner.runOnce({ subjectId: queued.body.id })).toBe(false);
    expect(filesOf(queued.body.id)).toEqual([]);
    const audit = await auditOf(queued.body.id);
    expect(JSON.parse(audit.at(-1)!.changes)).toEqual([{ field: 'state', old: 'queued', new: 'deleted' }]);
  });

  // The writer runs wherever the job was claimed (`kith serve`, `kith worker`); it learns of the delete
  // through its job row, at its next progress report, or as it records its end.
  it.each([
    ['at its first progress report', false],
    ['as it records its end', true],
  ])('stops a running export deleted %s: no file, no failure, no mail', async (_when, atEnd) => {
    const started = await api(baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { format: 'csv', filters: { tag: 'big' } },
    });
    const job = (await claimJob(kith.store.db, 'elsewhere', { subjectId: started.body.id }))!;
    let deletedBody: { state: string } | null = null;
    const ctx: JobContext = {
      job,
      workerId: 'elsewhere',
      stopRequested: () => false,
      renewLease: async () => undefined,
      reportProgress: async (progress, { final = false } = {}) => {
        if (final === atEnd && !deletedBody) {
          expect(
            (await api(baseUrl, 'GET', `/api/exports/${job.subject_id}`, { token: admin })).body.state,
          ).toBe('running');
          deletedBody = (await remove(job.subject_id, admin)).body;
        }
        if (!(await recordJobProgress(kith.store.db, job.id, 'elsewhere', progress)))
          throw new LeaseLostError(job.id);
      },
    };
    await expect(kith.exportJobs.run(ctx)).rejects.toBeInstanceOf(LeaseLostError);
    expect(deletedBody).toMatchObject({ state: 'deleted' });
    expect(filesOf(job.subject_id)).toEqual([]);
    const after = (await api(baseUrl, 'GET', `/api/exports/${job.subject_id}`, { token: admin })).body;
    expect(after).toMatchObject({ state: 'deleted', error: null, download_url: null });
    const audit = await auditOf(job.subject_id);
    expect(audit.map((a) => a.action)).toEqual(
      atEnd ? ['requested', 'completed', 'deleted'] : ['requested', 'deleted'],
    );
    expect(JSON.parse(audit.at(-1)!.changes)).toEqual([{ field: 'state', old: 'running', new: 'deleted' }]);
    // Its job ended with the delete and is not claimed again.
    expect(await runner.runOnce({ subjectId: job.subject_id })).toBe(false);
  });

  it('frees the room a deleted export took of KITH_MAX_EXPORTS_PER_USER', async () => {
    const first = await finished(otherAgent);
    await finished(otherAgent);
    const refused = await startOrders(otherAgent);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_exports');
    expect((await remove(first.id, otherAgent)).status).toBe(200);
    expect((await startOrders(otherAgent)).status).toBe(202);
  });

  it('kith export delete deletes it as an administrator would, on record as the cli', async () => {
    const done = await finished(agent);
    const cli = await runCli(['export', 'delete', done.id, '--json'], kith.database.env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ id: done.id, state: 'deleted' });
    expect(filesOf(done.id)).toEqual([]);
    expect((await auditOf(done.id)).at(-1)).toMatchObject({
      action: 'deleted',
      actor_id: null,
      channel: 'cli',
    });
    const human = await runCli(['export', 'delete', done.id], kith.database.env);
    expect(human.code).toBe(0);
    expect(human.stderr).toBe(`deleted export ${done.id} (${done.file_name})\n`);
    const unknown = await runCli(['export', 'delete', 'exp_01kxxxxxxxxxxxxxxxxxxxxxxx'], kith.database.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: export "exp_01kxxxxxxxxxxxxxxxxxxxxxxx" does not exist\n');
  });
});
