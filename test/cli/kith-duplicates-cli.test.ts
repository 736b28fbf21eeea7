import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith duplicates, merge and batch delete on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  const kith = (...args: string[]) => runCli(args, database.env);
  const ids: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    for (const args of [
      [
        '--name',
        'Jonathan Smith',
        '--email',
        'jon.smith@gmail.com',
        '--phone',
        '13800138001',
        '--external-id',
        'A-1',
        '--tag',
        'fair',
      ],
      [
        '--name',
        'Jon Smith',
        '--email',
        'jonsmith+x@gmail.com',
        '--phone',
        '13800138011',
        '--external-id',
        'B-7',
        '--tag',
        'fair',
      ],
      ['--name', 'Mary Jones', '--email', 'mary@example.com'],
    ]) {
      const r = await kith('contacts', 'add', ...args, '--json');
      expect(r.code, r.stderr).toBe(0);
      ids.push(JSON.parse(r.stdout).id);
    }
  });
  afterAll(async () => database.drop());

  it('sets rules from a file and refuses a bad one with its path', async () => {
    const file = path.join(os.tmpdir(), `kith-rules-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify({ fields: [{ field: 'name', comparator: 'nme' }] }));
    const bad = await kith('duplicates', 'rules', 'set', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('rules.fields[0].comparator');
    fs.writeFileSync(
      file,
      JSON.stringify({
        fields: [
          { field: 'name', comparator: 'name' },
          { field: 'email', comparator: 'email' },
          { field: 'phone', comparator: 'phone' },
        ],
      }),
    );
    expect((await kith('duplicates', 'rules', 'set', file)).code).toBe(0);
    expect(JSON.parse((await kith('duplicates', 'rules', 'get')).stdout).rules.fields).toHaveLength(3);
  });

  it('scans, lists and exports pairs', async () => {
    const scan = await kith('duplicates', 'scan', '--json');
    expect(scan.code, scan.stderr).toBe(0);
    const summary = JSON.parse(scan.stdout);
    expect(summary).toMatchObject({ contacts: 3, compared: 3 });
    expect(summary).toHaveProperty('seconds');
    // Three contacts are too few to learn from: the default bands apply, and the scan says which.
    expect(summary.thresholds).toEqual({ match: 0.99, review: 0.8 });
    expect(summary.pairs).toBeGreaterThanOrEqual(1);
    const list = JSON.parse((await kith('duplicates', 'list', '--json')).stdout);
    expect([list[0].contact_a, list[0].contact_b].sort()).toEqual([ids[0], ids[1]].sort());
    const out = path.join(os.tmpdir(), `kith-pairs-${Date.now()}.csv`);
    expect((await kith('duplicates', 'export', '--out', out)).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('\uFEFFa_id,b_id,a_external_id,b_external_id,score,band');
    expect(lines[1]).toMatch(/,(A-1|B-7),(A-1|B-7),0\.\d+,(match|review)$/);
  });

  it('merges with a preferred field, resolves the merged id, and unmerges', async () => {
    const preview = await kith(
      'merge',
      ids[0]!,
      ids[1]!,
      '--prefer',
      `name=${ids[1]}`,
      '--dry-run',
      '--json',
    );
    expect(JSON.parse(preview.stdout)).toMatchObject({ merge_id: null, contact: { name: 'Jon Smith' } });
    const merged = await kith('merge', ids[0]!, ids[1]!, '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const result = JSON.parse(merged.stdout);
    expect(result).toMatchObject({ survivor_id: ids[0], merged_ids: [ids[1]] });
    expect(result.contact.additional_phones).toEqual(['+8613800138011']);
    const got = JSON.parse((await kith('contacts', 'get', ids[1]!, '--json')).stdout);
    expect(got.id).toBe(ids[0]);
    const undone = await kith('unmerge', result.merge_id);
    expect(undone.code, undone.stderr).toBe(0);
    expect(JSON.parse((await kith('contacts', 'get', ids[1]!, '--json')).stdout).id).toBe(ids[1]);
  });

  it('batch-deletes only with the exact count, then restores', async () => {
    const ask = await kith('contacts', 'delete', '--tag', 'fair');
    expect(ask.code).toBe(2);
    expect(ask.stderr).toContain('--yes 2');
    // The list's filters narrow it as they narrow the list; the first form, --filter KEY=VALUE, still works.
    const narrower = await kith('contacts', 'delete', '--tag', 'fair', '--q', 'nobody-by-this-name');
    expect(narrower.stderr).toContain('0 contacts selected');
    const wrong = await kith('contacts', 'delete', '--filter', 'tag=fair', '--yes', '3');
    expect(wrong.code).toBe(1);
    const done = await kith('contacts', 'delete', '--tag', 'fair', '--yes', '2', '--json');
    expect(done.code, done.stderr).toBe(0);
    const deletion = JSON.parse(done.stdout);
    // The answer names the backup file, not the server's folders.
    expect(deletion.backup_file).toBe(`${deletion.id}.ndjson`);
    expect(done.stdout).not.toContain(database.config.dataDir);
    const backup = path.join(database.config.dataDir, 'backups', deletion.backup_file);
    expect(fs.readFileSync(backup, 'utf8').trim().split('\n')).toHaveLength(2);
    // Written by the kith command: readable by its user only.
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(backup)).mode & 0o777).toBe(0o700);
    expect((await kith('contacts', 'get', ids[0]!)).code).toBe(1);
    expect((await kith('contacts', 'restore', deletion.id)).code).toBe(0);
    expect(JSON.parse((await kith('contacts', 'get', ids[0]!, '--json')).stdout).email).toBe(
      'jon.smith@gmail.com',
    );
  });
});
