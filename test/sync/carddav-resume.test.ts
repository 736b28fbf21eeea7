import { spawn } from 'node:child_process';
import path from 'node:path';
import { createVCard, fetchVCards } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { createAddressBook, startRadicale, type TestRadicale } from '../support/radicale.js';
import { kithArgs, runCli } from '../support/run-cli.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

/**
 * `kith sync run` killed with SIGKILL half-way through, then run again: the run is taken over and
 * resumes from the stored state — every card and every customer exactly once, nothing lost.
 */
const API: Actor = { userId: null, channel: 'api' };
const ROOT = path.resolve(import.meta.dirname, '../..');
const KITH_CONTACTS = 500;
const REMOTE_CARDS = 60;

describe('kith sync run killed mid-run', () => {
  let radicale: TestRadicale;
  let kith: TestKith;
  let env: Record<string, string>;
  beforeAll(async () => {
    radicale = await startRadicale();
    kith = await createTestKith({
      KITH_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      KITH_OUTBOUND_ALLOW: '127.0.0.1',
      // A dead process's run may be taken over after a second.
      KITH_JOB_LEASE_SECONDS: '1',
    });
    env = kith.database.env;
  });
  afterAll(async () => {
    await kith?.destroy();
    await radicale?.stop();
  });

  it('resumes after kill -9 with no duplicates and no lost changes; the CLI runs and reports', async () => {
    const url = await createAddressBook(radicale, 'resume');
    const headers = { authorization: radicale.authorization };
    for (let i = 0; i < REMOTE_CARDS; i++)
      await createVCard({
        addressBook: { url },
        filename: `r${i}.vcf`,
        vCardString: `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:r${i}\r\nFN:Remote ${i}\r\nEMAIL:remote${i}@example.com\r\nEND:VCARD\r\n`,
        headers,
      });
    const records = Array.from({ length: KITH_CONTACTS }, (_, i) => ({
      name: `客户 ${i}`,
      email: `kith${i}@example.com`,
    }));
    for (let i = 0; i < records.length; i += 250)
      await kith.contacts.upsertMany(records.slice(i, i + 250), API);

    const connection = await kith.sync.create(
      { url, username: radicale.user, password: radicale.password },
      API,
    );

    // Started as its own process, killed once it has written part of the cards.
    const child = spawn(process.execPath, kithArgs(['sync', 'run', connection.id]), {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await kith.sync.get(connection.id);
      if (c.cards >= REMOTE_CARDS + 100) break;
      if (Date.now() > deadline) throw new Error('the run did not get going');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const cut = await kith.sync.get(connection.id);
    expect(cut.last_run!.state).toBe('running');
    expect(cut.cards).toBeLessThan(REMOTE_CARDS + KITH_CONTACTS);

    await new Promise((r) => setTimeout(r, 1100));
    // The rest of the run: on a loaded 2-core machine it has taken more than runCli's usual minute.
    const resumed = await runCli(['sync', 'run', connection.id, '--json'], env, 150_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    const run = JSON.parse(resumed.stdout) as { id: string; state: string; counts: Record<string, number> };
    expect(run).toMatchObject({ id: cut.last_run!.id, state: 'done' });
    expect(run.counts.failed).toBe(0);

    const cards = await fetchVCards({ addressBook: { url }, headers });
    expect(cards).toHaveLength(REMOTE_CARDS + KITH_CONTACTS);
    const uids = cards.map((c) => /^UID:(.*)$/m.exec(String(c.data))![1]!.trim());
    expect(new Set(uids).size).toBe(cards.length);
    expect(await kith.contacts.countUpTo({}, 10_000)).toBe(REMOTE_CARDS + KITH_CONTACTS);
    expect((await kith.sync.get(connection.id)).cards).toBe(REMOTE_CARDS + KITH_CONTACTS);

    // In step: the next run sends nothing and takes nothing.
    const { run: next } = await kith.sync.startRun(connection.id, API);
    await kith.jobs.runner().runOnce({ subjectId: next.id });
    expect((await kith.sync.getRun(next.id)).counts).toMatchObject({
      pulled_created: 0,
      pulled_updated: 0,
      pushed_created: 0,
      pushed_updated: 0,
      conflicts: 0,
    });
    const status = await runCli(['sync', 'status'], env);
    expect(status.stdout).toContain(connection.id);
    expect(status.stdout).toContain(`cards in step: ${REMOTE_CARDS + KITH_CONTACTS}`);
    expect(status.stdout).not.toContain(radicale.password);
  }, 180_000);

  it('refuses to store a password without KITH_SECRET_KEY, saying how to set one', async () => {
    const { KITH_SECRET_KEY: _unused, ...withoutKey } = env;
    const result = await runCli(
      [
        'sync',
        'connections',
        'add',
        'carddav',
        '--url',
        `${radicale.baseUrl}/kith/x/`,
        '--user',
        'u',
        '--password',
        'p',
      ],
      { ...withoutKey, KITH_SECRET_KEY: '' },
    );
    expect(result.stderr).not.toContain('at ');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('KITH_SECRET_KEY is not set');
  });
});
