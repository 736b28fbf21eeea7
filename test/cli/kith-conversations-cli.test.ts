/** `kith inboxes`, `kith agents`, `kith rules` and `kith conversations` as the real command, on a real store. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith conversations, agents and rules on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  let dir: string;
  const kith = (...args: string[]) => runCli(args, database.env);
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-rules-'));
    for (const who of ['a', 'b'])
      expect(
        (
          await kith(
            'users',
            'create',
            '--email',
            `${who}@example.com`,
            '--password',
            'long enough',
            '--role',
            'agent',
          )
        ).code,
      ).toBe(0);
  });
  afterAll(async () => {
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names an inbox by id or exact name and an agent by e-mail or id, refusing what names nothing or two', async () => {
    const added = await kith('inboxes', 'add', '售后支持');
    expect(added.code, added.stderr).toBe(0);
    const inboxId = JSON.parse(added.stdout).id as string;
    const users = JSON.parse((await kith('users', 'list', '--json')).stdout) as {
      id: string;
      email: string;
    }[];
    const a = users.find((u) => u.email === 'a@example.com')!;
    const b = users.find((u) => u.email === 'b@example.com')!;

    // Right after `inboxes add NAME`, the same name works (it used to need the id).
    const byName = await kith('inboxes', 'add-member', '售后支持', 'a@example.com');
    expect(byName.code, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ id: inboxId, member_ids: [a.id] });
    const byIds = await kith('inboxes', 'add-member', inboxId, b.id);
    expect(byIds.code, byIds.stderr).toBe(0);
    expect(JSON.parse(byIds.stdout).member_ids).toEqual(expect.arrayContaining([a.id, b.id]));

    const unknown = await kith('inboxes', 'add-member', '售后', 'a@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('error: inbox: is not the id or name of an inbox (got "售后")');
    const nobody = await kith('inboxes', 'add-member', '售后支持', 'nobody@example.com');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('agent: is not the e-mail or id of a user (got "nobody@example.com")');

    // An inbox named as another's id: that value names two, and neither is guessed.
    const twin = await kith('inboxes', 'add', inboxId);
    const twinId = JSON.parse(twin.stdout).id as string;
    const ambiguous = await kith('inboxes', 'add-member', inboxId, 'a@example.com');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`inbox: names more than one inbox (`);
    for (const id of [inboxId, twinId]) expect(ambiguous.stderr).toContain(id);

    const busy = await kith('agents', 'set-availability', a.id, 'busy');
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.stderr).toContain('a@example.com is busy');
    const capacity = await kith('agents', 'set-capacity', 'nobody', '3');
    expect(capacity.code).toBe(1);
    expect(capacity.stderr).toContain('agent: is not the e-mail or id of a user (got "nobody")');

    const listed = await kith('conversations', 'list', '--inbox', '售后支持', '--assignee', b.id, '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const spaced = await kith('conversations', 'list', '--inbox', '售后支持 ', '--json');
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain('--inbox: is not the id or name of an inbox (got "售后支持 ")');
  });

  it('sets up an inbox, agents and a rule, and lists conversations', async () => {
    const inbox = await kith('inboxes', 'add', 'Support', '--auto-assign', 'round_robin');
    expect(inbox.code).toBe(0);
    const inboxId = JSON.parse(inbox.stdout).id as string;
    for (const who of ['a', 'b'])
      expect((await kith('inboxes', 'add-member', inboxId, `${who}@example.com`)).code).toBe(0);
    const online = await kith('agents', 'set-availability', 'b@example.com', 'online');
    expect(online.stderr).toContain('b@example.com is online');
    const bad = await kith('agents', 'set-availability', 'a@example.com', 'asleep');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('availability: must be one of online, busy, offline (got "asleep")');
    expect((await kith('agents', 'set-capacity', 'b@example.com', '5')).stderr).toContain('at most 5');
    const agents = JSON.parse((await kith('agents', 'list', '--json')).stdout);
    expect(agents.find((a: { email: string }) => a.email === 'b@example.com')).toMatchObject({
      availability: 'online',
      capacity: 5,
    });

    const file = path.join(dir, 'rule.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'Unassign on resolve',
        event: 'conversation_updated',
        conditions: { all: [{ attribute: 'status', operator: 'equal_to', value: 'resolved' }] },
        actions: [{ action: 'assign_agent', agent_id: null }],
        active: true,
        once_per_conversation: false,
      }),
    );
    const added = await kith('rules', 'add', file);
    expect(added.code).toBe(0);
    const ruleId = JSON.parse(added.stdout).id as string;
    const list = await kith('rules', 'list');
    expect(list.stdout).toContain(`${ruleId}\tactive\tconversation_updated\tUnassign on resolve`);
    fs.writeFileSync(
      file,
      JSON.stringify({ name: 'x', event: 'conversation_updated', actions: [{ action: 'assign_agent' }] }),
    );
    const refused = await kith('rules', 'add', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/actions\[0\]\.agent_id/);

    const none = await kith('conversations', 'list', '--json');
    expect(JSON.parse(none.stdout)).toEqual([]);
    expect((await kith('conversations', 'list', '--status', 'closed')).code).toBe(2);
    expect((await kith('rules', 'remove', ruleId)).code).toBe(0);
    expect((await kith('rules', 'list')).stdout).toBe('');
    // Fifteen CLI processes one after another: a busy 2-core machine needs more than the default.
  }, 240_000);
});
