/**
 * How `kith` fails: one line naming what, the value and why, no stack trace; exit 1 for a failure and 2
 * for wrong usage; with --json an {"error": {…}} object on stdout.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { IMPORT_JOB_KIND } from '../../src/imports/import-service.js';
import { openKith } from '../../src/services.js';
import { type CliResult, kithArgs, runCli } from '../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-kith.js';

/** No stack frame (`    at fn (file:line)`) reaches the user. */
function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at .*[:(]/m);
  expect(result.stdout).not.toMatch(/^\s+at .*[:(]/m);
}

/** The error object --json puts on stdout. */
function jsonError(result: CliResult): { code: string; message: string; details?: unknown } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
}

describe('kith serve that cannot listen', () => {
  let database: TestDatabase;
  let busy: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await database.drop();
  });

  it('exits 1 with one line naming the port when it is in use, and stops its job runner', async () => {
    const started = Date.now();
    const result = await runCli(['serve', '--port', String(busyPort), '--host', '127.0.0.1'], database.env);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `error: cannot listen on 127.0.0.1:${busyPort}: port ${busyPort} is already in use`,
    );
    expectNoStack(result);
  });

  it('exits 1 naming a host that is no address', async () => {
    const result = await runCli(['serve', '--port', '0', '--host', '999.1.1.1'], database.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot listen on 999\.1\.1\.1:0: 999\.1\.1\.1 is not a valid address/);
    expectNoStack(result);
  });

  it('names --port, not PORT, for a port that is no port (exit 2)', async () => {
    for (const port of ['abc', '99999']) {
      const result = await runCli(['serve', '--port', port], database.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--port "${port}": must be a whole number from 0 to 65535`);
      expectNoStack(result);
    }
  });
});

describe('everyday mistakes', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-cli-errors-'));
    fs.mkdirSync(path.join(dir, 'folder.csv'));
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'name,email\nA,a@example.com\n');
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });
  const kith = (...args: string[]) => runCli(args, database.env);

  it('names a folder given as a file, or a missing folder for --out, with the option and path', async () => {
    const folder = path.join(dir, 'folder.csv');
    const ok = path.join(dir, 'ok.csv');
    const cases: Array<[string[], RegExp]> = [
      [['import', 'contacts', folder, '--json'], /folder\.csv: is a folder, not a file/],
      [['import', 'orders', '--tmall', ok, folder, '--json'], /folder\.csv: is a folder, not a file/],
      [['imports', 'failures', 'imp_x', '--out', folder, '--json'], /--out .*folder\.csv: is a folder/],
      [
        ['imports', 'failures', 'imp_x', '--out', '/nonexistent/f.csv', '--json'],
        /--out \/nonexistent\/f\.csv: the folder \/nonexistent does not exist/,
      ],
      [['export', 'contacts', '--format', 'csv', '--out', dir, '--json'], /--out .*: is a folder/],
      [
        ['duplicates', 'export', '--out', '/nonexistent/p.csv', '--json'],
        /--out \/nonexistent\/p\.csv: the folder \/nonexistent does not exist/,
      ],
      [['import', 'contacts', ok, '--failures', folder, '--json'], /--failures .*folder\.csv: is a folder/],
    ];
    const results = await Promise.all(cases.map(([args]) => kith(...args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(jsonError(result).message).toMatch(cases[i]![1]);
      expectNoStack(result);
    });
  });

  it('refuses a label holding a control character as the API does, showing it escaped; nothing written', async () => {
    const cases: Array<[string[], string]> = [
      [['identity-types', 'create', 'wecom', '--label', 'WeCom\u001b[31m', '--json'], '"WeCom\\u001b[31m"'],
      [
        ['attributes', 'create', 'tier', '--type', 'text', '--label', 'Tier\u0007', '--json'],
        '"Tier\\u0007"',
      ],
    ];
    for (const [args, shown] of cases) {
      const result = await kith(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(jsonError(result)).toMatchObject({ code: 'validation_failed', details: { field: 'label' } });
      expect(jsonError(result).message).toMatch(/^label: contains a control character \(/);
      expect(result.stderr).toContain(`(got ${shown})`);
      // The character itself never reaches the terminal.
      expect(result.stderr).not.toContain('\u0007');
      expect(result.stderr).not.toContain('\u001b');
      expectNoStack(result);
    }
    expect((await kith('identity-types', 'list')).stdout).not.toContain('wecom');
    expect((await kith('attributes', 'list')).stdout).not.toContain('tier');
  });

  it('refuses letters where a number goes, naming the option and the range', async () => {
    const cases: Array<[string[], string]> = [
      [['orders', 'list', '--limit', 'abc', '--json'], '--limit "abc": must be a whole number from 1 to 500'],
      [
        ['webhooks', 'deliveries', 'whk_x', '--limit', 'abc', '--json'],
        '--limit "abc": must be a whole number from 1 to 500',
      ],
      [
        ['contacts', 'list', '--limit', '2.5', '--json'],
        '--limit "2.5": must be a whole number from 1 to 500',
      ],
      [['changes', '--limit', 'x', '--json'], '--limit "x": must be a whole number from 1 to 10000'],
    ];
    const results = await Promise.all(cases.map(([args]) => kith(...args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(jsonError(result)).toMatchObject({ code: 'usage', message: cases[i]![1] });
      expect(result.stderr).not.toMatch(/SqliteError|datatype mismatch/);
    });
  });

  it('names a bad setting in the environment with its value, and an unreachable database', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'abc' }, /PORT must be a port number between 0 and 65535 \(got "abc"\)/],
      [
        { KITH_JOB_LEASE_SECONDS: '-1' },
        /KITH_JOB_LEASE_SECONDS must be a positive number of seconds \(got "-1"\)/,
      ],
      [{ KITH_SECRET_KEY: 'short' }, /KITH_SECRET_KEY must be 32 random bytes/],
      [{ DATABASE_URL: 'notaurl' }, /DATABASE_URL must be a PostgreSQL URL .*\(got "notaurl"\)/],
      [
        { DATABASE_URL: 'postgres://kith:hunter2@127.0.0.1:1/kith' },
        /cannot reach the PostgreSQL database at 127\.0\.0\.1:1\/kith \(DATABASE_URL\): connection refused/,
      ],
    ];
    const results = await Promise.all(
      cases.map(([env]) => runCli(['contacts', 'list', '--json'], { ...database.env, ...env })),
    );
    results.forEach((result, i) => {
      expect(result.code, JSON.stringify(cases[i]![0])).toBe(1);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(jsonError(result).message).toMatch(cases[i]![1]);
      expect(result.stderr).not.toContain('hunter2');
      expectNoStack(result);
    });
  });

  it('shows the stack of an unexpected error only with KITH_DEBUG=1', async () => {
    const plain = await runCli(['contacts', 'list'], { ...database.env, PORT: 'abc' });
    expectNoStack(plain);
    const debug = await runCli(['contacts', 'list'], { ...database.env, PORT: 'abc', KITH_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at .*config/m);
  });
});

describe('wrong usage and what --json promises', () => {
  let database: TestDatabase;
  let contactId: string;
  let importId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const kith = await openKith(loadConfig(database.env));
    try {
      const actor = { userId: null, channel: 'cli' } as const;
      contactId = (await kith.contacts.create({ name: 'To delete' }, actor)).id;
      const file = path.join(database.config.dataDir, 'queued.csv');
      fs.writeFileSync(file, 'name,email\nQueued,queued@example.com\n');
      // Queued, and no worker runs it: cancelling settles it at once.
      importId = (await kith.imports.start({ filePath: file, fileName: 'queued.csv' }, actor)).id;
    } finally {
      await kith.close();
    }
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('exits 2 for every usage error commander finds, with the JSON error on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['users', 'create', '--json'], /required option '--email <email>' not specified/],
      [['contacts', 'list', '--bogus', '--json'], /unknown option '--bogus'/],
      [['contacts', 'get', 'a', 'b', '--json'], /too many arguments/],
      [['groups', '--json'], /unknown command 'groups'/],
      [['contacts', 'bogus', '--json'], /unknown command 'bogus'/],
    ];
    const results = await Promise.all(cases.map(([args]) => kith(...args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(jsonError(result)).toMatchObject({
        code: 'usage',
        message: expect.stringMatching(cases[i]![1]),
      });
    });
  });

  it('refuses an unknown command even with --help, naming it', async () => {
    const result = await kith('groups', '--help');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown command 'groups'/);
    const help = await kith('contacts', '--help');
    expect(help.code).toBe(0);
  });

  it('prints the deletion of one contact and the cancelled import with --json', async () => {
    const deleted = await kith('contacts', 'delete', contactId, '--json');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ contact_id: contactId, count: 1, deleted: true });
    const cancelled = await kith('imports', 'cancel', importId, '--json');
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ id: importId, status: 'cancelled' });
  });
});

describe('filters and limits', () => {
  let database: TestDatabase;
  let groupId: string;
  let out: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    out = path.join(database.config.dataDir, 'out.csv');
    const kith = await openKith(loadConfig(database.env));
    try {
      const actor = { userId: null, channel: 'cli' } as const;
      const contact = await kith.contacts.create({ name: 'In a group', email: 'g@example.com' }, actor);
      groupId = (await kith.groups.create({ name: 'VIP 客户' }, actor)).id;
      await kith.groups.addMembers(groupId, [contact.id], actor);
    } finally {
      await kith.close();
    }
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('refuses a filter or limit out of range, naming the option, the value and what is allowed', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['duplicates', 'list', '--status', 'bogus', '--json'],
        '--status "bogus": must be one of open, not_duplicate, skipped, merged',
      ],
      [
        ['duplicates', 'list', '--min-score', 'abc', '--json'],
        '--min-score "abc": must be a number from 0 to 1',
      ],
      [['duplicates', 'list', '--min-score', '2', '--json'], '--min-score "2": must be a number from 0 to 1'],
      [
        ['duplicates', 'list', '--limit', 'abc', '--json'],
        '--limit "abc": must be a whole number of 1 or more',
      ],
      [
        ['duplicates', 'list', '--limit', '-5', '--json'],
        '--limit "-5": must be a whole number of 1 or more',
      ],
      [['orders', 'list', '--limit', '0', '--json'], '--limit "0": must be a whole number from 1 to 500'],
      [
        ['orders', 'list', '--limit', '100000', '--json'],
        '--limit "100000": must be a whole number from 1 to 500',
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => kith(...args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(jsonError(result)).toMatchObject({ code: 'usage', message: cases[i]![1] });
    });
    const fine = await kith('duplicates', 'list', '--status', 'merged', '--min-score', '0.5', '--json');
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.stdout)).toEqual([]);
  });

  it('refuses to export a group that does not exist, and takes a group by id or name', async () => {
    const missing = await kith(
      'export',
      'contacts',
      '--format',
      'csv',
      '--out',
      out,
      '--group',
      'grp_nope',
      '--json',
    );
    expect(missing.code).toBe(1);
    expect(jsonError(missing).message).toBe('--group: is not the id or name of a group (got "grp_nope")');
    expect(fs.existsSync(out)).toBe(false);
    for (const group of [groupId, 'VIP 客户']) {
      const found = await kith(
        'export',
        'contacts',
        '--format',
        'csv',
        '--out',
        out,
        '--group',
        group,
        '--json',
      );
      expect(found.code).toBe(0);
      expect(JSON.parse(found.stdout)).toMatchObject({ rows: 1 });
    }
  });
});

describe('Ctrl-C', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-cli-interrupt-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  /** The real `kith` in a child process whose signals the test sends. */
  function spawnKith(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, kithArgs(args), {
      env: { ...process.env, ...database.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stderr })),
    );
    return { child, exited, stderrSoFar: () => stderr };
  }

  async function until(check: () => Promise<boolean> | boolean, what: string) {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('says how an interrupted import resumes, then an interrupted export leaves no partial file', async () => {
    const csv = path.join(dir, 'big.csv');
    const lines = ['name,email'];
    for (let i = 0; i < 40_000; i++) lines.push(`Customer ${i},c${i}@example.com`);
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const importing = spawnKith(['import', 'contacts', csv]);
    const kith = await openKith(loadConfig(database.env));
    try {
      await until(
        async () => (await kith.imports.list()).some((r) => r.rows > 0),
        'the import to write rows',
      );
    } finally {
      await kith.close();
    }
    importing.child.kill('SIGINT');
    const imported = await importing.exited;
    expect(imported.code).toBe(130);
    expect(imported.stderr).toMatch(/stopping import imp_\w+ after its current batch/);
    expect(imported.stderr).toMatch(
      /import imp_\w+ stopped: it resumes where it stopped in .*kith worker.*kith serve/,
    );
    // Stopped between batches, its job is back in the queue unleased: a worker resumes it at once (it
    // waited for the lease to run out, a minute by default) and finishes it with every row once.
    const id = /import (imp_\w+) stopped/.exec(imported.stderr)![1]!;
    const before = await openKith(loadConfig(database.env));
    try {
      expect(await before.jobs.leaseOf(IMPORT_JOB_KIND, id)).toMatchObject({ state: 'queued', worker: null });
      expect((await before.imports.get(id)).rows).toBeLessThan(40_000);
    } finally {
      await before.close();
    }
    const resumed = await runCli(['worker', '--once'], database.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await openKith(loadConfig(database.env));
    try {
      expect(await after.imports.get(id)).toMatchObject({
        status: 'completed',
        rows: 40_000,
        created: 40_000,
      });
    } finally {
      await after.close();
    }

    // The export needs enough customers to be caught writing: the interrupted import may have written
    // only its first batch, which an export finishes before the test can see its file.
    const more = path.join(dir, 'more.csv');
    const moreLines = ['name,email'];
    for (let i = 0; i < 60_000; i++) moreLines.push(`More ${i},more${i}@example.com`);
    fs.writeFileSync(more, `${moreLines.join('\n')}\n`);
    const seeded = await runCli(['import', 'contacts', more, '--json'], database.env);
    expect(seeded.code, seeded.stderr).toBe(0);

    const out = path.join(dir, 'big.json');
    const exporting = spawnKith(['export', 'contacts', '--format', 'json', '--out', out]);
    await until(() => fs.readdirSync(dir).some((f) => f.endsWith('.partial')), 'the partial export file');
    exporting.child.kill('SIGINT');
    const exported = await exporting.exited;
    expect(exported.code).toBe(130);
    expect(exported.stderr).toContain(`export interrupted: nothing written to ${out}`);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('big.json'))).toEqual([]);

    // Killed outright, it can remove nothing: the next export to the same file removes its half file.
    const killed = spawnKith(['export', 'contacts', '--format', 'json', '--out', out]);
    await until(() => fs.readdirSync(dir).some((f) => f.endsWith('.partial')), 'the partial export file');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toHaveLength(1);
    const again = await runCli(['export', 'contacts', '--format', 'json', '--out', out], database.env);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('big.json'))).toEqual(['big.json']);
  });

  it('stopped at once by a second Ctrl-C, an import waits for its lease and is then resumed, not counted as crashed', async () => {
    const csv = path.join(dir, 'twice.csv');
    const lines = ['name,email'];
    for (let i = 0; i < 40_000; i++) lines.push(`Twice ${i},t${i}@example.com`);
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const importing = spawnKith(['import', 'contacts', csv], { KITH_JOB_LEASE_SECONDS: '2' });
    const kith = await openKith(loadConfig(database.env));
    try {
      await until(
        async () => (await kith.imports.list()).some((r) => r.file_name === 'twice.csv' && r.rows > 0),
        'the import to write rows',
      );
    } finally {
      await kith.close();
    }
    importing.child.kill('SIGINT');
    await until(() => /after its current batch/.test(importing.stderrSoFar()), 'the first Ctrl-C heard');
    importing.child.kill('SIGINT');
    const imported = await importing.exited;
    expect(imported.code).toBe(130);
    const id = /import (imp_\w+)/.exec(imported.stderr)![1]!;
    const left = await openKith(loadConfig(database.env));
    try {
      const job = await left.store.db
        .selectFrom('jobs')
        .select(['state', 'takeovers', 'abandoned_at'])
        .where('subject_id', '=', id)
        .executeTakeFirstOrThrow();
      // Stopped mid-batch or already between batches: never counted as a crash either way.
      if (job.state === 'running') expect(job.abandoned_at).not.toBeNull();
      expect(job.takeovers).toBe(0);
    } finally {
      await left.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const resumed = await runCli(['worker', '--once'], database.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await openKith(loadConfig(database.env));
    try {
      expect(await after.imports.get(id)).toMatchObject({
        status: 'completed',
        rows: 40_000,
        created: 40_000,
      });
      const job = await after.store.db
        .selectFrom('jobs')
        .select(['state', 'takeovers'])
        .where('subject_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ state: 'done', takeovers: 0 });
    } finally {
      await after.close();
    }
  });
});

describe('help and messages that say what the CLI takes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ KITH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
    const kith = await openKith(loadConfig(database.env));
    try {
      const actor = { userId: null, channel: 'cli' } as const;
      await kith.users.create({ email: 'agent@example.com', password: 'long enough', role: 'agent' }, actor);
    } finally {
      await kith.close();
    }
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('names the options the user typed and the formats the CLI reads', async () => {
    const [help, tokensHelp, capacity, sync] = await Promise.all([
      kith('import', 'contacts', '--help'),
      kith('tokens', 'create', '--help'),
      kith('agents', 'set-capacity', 'agent@example.com', 'abc'),
      kith(
        ...['sync', 'connections', 'add', 'carddav', '--url', 'https://dav.example.com/'],
        ...['--user', '', '--password', 'x', '--conflicts', 'bogus', '--json'],
      ),
    ]);
    expect(help.stdout).toMatch(/CSV, XLSX, JSON, NDJSON or XML/);
    expect(tokensHelp.stdout).toContain('{"id": "tok_…", "token": "kith_…"}');
    expect(capacity.code).toBe(2);
    expect(capacity.stderr).toBe(
      'error: capacity "abc": must be a whole number from 0 to 10000, or none for no limit\n',
    );
    expect(sync.code).toBe(1);
    expect(jsonError(sync).message).toBe(
      '--user: must not be empty (got ""); --conflicts: must be one of kith-wins, remote-wins, newest (got "bogus")',
    );
  });

  it('marks dry runs in imports list', async () => {
    const csv = path.join(database.config.dataDir, 'dry.csv');
    fs.writeFileSync(csv, 'name,email\nDry,dry@example.com\n');
    expect((await kith('import', 'contacts', csv, '--dry-run')).code).toBe(0);
    expect((await kith('import', 'contacts', csv)).code).toBe(0);
    const list = (await kith('imports', 'list')).stdout.trim().split('\n');
    expect(list.filter((line) => line.includes('\tcompleted (dry run)\t'))).toHaveLength(1);
    expect(list.filter((line) => line.includes('\tcompleted\t'))).toHaveLength(1);
  });
});
