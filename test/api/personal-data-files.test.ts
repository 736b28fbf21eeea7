/**
 * Files holding personal data are readable by their owner only (folders 0700, files 0600: the SQLite
 * database with its -wal and -shm, delete backups, stored import files, failure files), and answers never
 * disclose where on the server they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { openStore } from '../../src/store/database.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

/** Every folder and file under `dir` with its permission bits, as `path: 0oNNN`. */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      modes[path.relative(dir, full)] = `0o${(fs.statSync(full).mode & 0o777).toString(8)}`;
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return modes;
}

describe(`files under KITH_DATA_DIR on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.destroy();
  });

  it('are 0700 folders and 0600 files after an import and a batch delete', async () => {
    const done = await runImport(
      kith,
      fixture('private.csv', 'name,email\nAnn,ann@private.example\nBad,not-an-email\n'),
      { tags: ['private'] },
    );
    expect(done).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    await kith.imports.failureFile(done.id);
    const deletion = await kith.batchDeletes.delete({ filter: { tag: 'private' } }, 1, SYSTEM_ACTOR);

    const modes = modesUnder(kith.config.dataDir);
    const expected: Record<string, string> = {
      imports: '0o700',
      [`imports/${done.id}`]: '0o700',
      [`imports/${done.id}/source.csv`]: '0o600',
      [`imports/${done.id}/failures.csv`]: '0o600',
      backups: '0o700',
      [`backups/${deletion.id}.ndjson`]: '0o600',
    };
    if (TEST_DIALECT === 'sqlite') {
      // The database and the files SQLite makes beside it while a connection is open.
      expect(Object.keys(modes)).toEqual(expect.arrayContaining(['kith.sqlite-wal', 'kith.sqlite-shm']));
      Object.assign(expected, {
        'kith.sqlite': '0o600',
        'kith.sqlite-wal': '0o600',
        'kith.sqlite-shm': '0o600',
      });
    }
    expect(modes).toMatchObject(expected);
    expect(Object.entries(modes).filter(([, mode]) => mode !== '0o600' && mode !== '0o700')).toEqual([]);
  });

  it('keeps a folder an import has to make again private (its folder gone when its job ran)', async () => {
    // As on a worker whose KITH_DATA_DIR is not the one the import was started on: the job finds no
    // folder, fails, and makes the folder for its failure file.
    const own = await createTestKith();
    try {
      const started = await own.imports.start(
        { filePath: fixture('gone.csv', 'name,email\nAnn,ann@gone.example\n'), fileName: 'gone.csv' },
        ADMIN,
      );
      fs.rmSync(path.join(own.config.dataDir, 'imports'), { recursive: true });
      await new JobRunner(own.store, own.jobHandlers).runOnce({ subjectId: started.id });
      expect((await own.imports.get(started.id)).status).toBe('failed');
      const modes = modesUnder(own.config.dataDir);
      expect(modes).toMatchObject({ imports: '0o700', [`imports/${started.id}`]: '0o700' });
      expect(Object.entries(modes).filter(([, mode]) => mode !== '0o600' && mode !== '0o700')).toEqual([]);
    } finally {
      await own.destroy();
    }
  });

  it.runIf(TEST_DIALECT === 'sqlite')(
    'tightens a database an older version left readable to others',
    async () => {
      const dir = fs.mkdtempSync(path.join(kith.config.dataDir, 'older-'));
      const file = path.join(dir, 'kith.sqlite');
      const old = openStore({ dataDir: dir, databaseUrl: null });
      await old.close();
      fs.chmodSync(file, 0o644);
      const store = openStore({ dataDir: dir, databaseUrl: null });
      try {
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      } finally {
        await store.close();
      }
    },
  );
});

describe(`batch-delete answers on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
    const boss = await server.kith.users.create(
      { email: 'paths-admin@example.com', password: 'a long password 1', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
  });

  it('name the backup file, never a server path, and the backup still downloads', async () => {
    const contact = await server.kith.contacts.create(
      { name: 'Gone Soon', email: 'gone@paths.example', tags: ['paths'] },
      SYSTEM_ACTOR,
    );
    const deleted = await api(server.baseUrl, 'POST', '/api/contacts/batch-delete', {
      token: admin,
      body: { ids: [contact.id], confirm_count: 1 },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ count: 1, backup_file: `${deleted.body.id}.ndjson` });
    expect(deleted.body).not.toHaveProperty('backup_path');
    const dataDir = server.kith.config.dataDir;
    expect(JSON.stringify(deleted.body)).not.toContain(dataDir);
    const listed = await api(server.baseUrl, 'GET', '/api/contacts/deletions', { token: admin });
    expect(listed.body.data[0]).toMatchObject({
      id: deleted.body.id,
      backup_file: `${deleted.body.id}.ndjson`,
    });
    expect(JSON.stringify(listed.body)).not.toContain(dataDir);
    // How long a deletion can be restored, for the web app to say before deleting.
    expect(listed.body.retention_days).toBe(server.kith.config.deleteRetentionDays);

    const backup = await fetch(`${server.baseUrl}/api/contacts/deletions/${deleted.body.id}/backup`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(backup.headers.get('content-disposition')).toBe(
      `attachment; filename="${deleted.body.id}.ndjson"`,
    );
    expect(JSON.parse(await backup.text())).toMatchObject({ id: contact.id });

    // Past its retention, the refusal names the file, not where it is.
    await server.kith.store.db
      .updateTable('contact_deletions')
      .set({ restore_until: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', deleted.body.id)
      .execute();
    const late = await api(server.baseUrl, 'POST', `/api/contacts/deletions/${deleted.body.id}/restore`, {
      token: admin,
    });
    expect(late.status).toBe(410);
    expect(late.body.error.details).toEqual({ backup_file: `${deleted.body.id}.ndjson` });
    expect(JSON.stringify(late.body)).not.toContain(dataDir);
  });
});
