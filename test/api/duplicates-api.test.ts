import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { plantedPair } from '../dedupe/planted-pairs.js';
import { answersAtOnce } from '../support/at-once.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`duplicates API over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    const { contacts } = server.kith;
    ({ admin, agent } = await adminAndAgentTokens(server));
    const people = [
      [
        'jon',
        {
          first_name: 'Jonathan',
          last_name: 'Smith',
          email: 'jon.smith@gmail.com',
          birthday: '1985-03-02',
          city: 'Leeds',
        },
      ],
      [
        'jon2',
        {
          first_name: 'Jonathon',
          last_name: 'Smith',
          email: 'jonsmith+shop@gmail.com',
          birthday: '1985-02-03',
          city: 'Leeds',
        },
      ],
      ['wei', { name: '张伟', phone: '13800138001', birthday: '1990-05-06', city: '上海' }],
      ['wei2', { name: '張偉', phone: '13800138011', birthday: '1990-05-06', city: '上海' }],
      ['mary', { first_name: 'Mary', last_name: 'Jones', email: 'mary@example.com', birthday: '1970-01-01' }],
      ['anna', { first_name: 'Anna', last_name: 'Lee', email: 'anna@example.com', city: 'York' }],
    ] as const;
    for (const [key, input] of people) ids[key] = (await contacts.create(input, SYSTEM_ACTOR)).id;
    await server.kith.duplicateSettings.setRules({
      fields: [
        { field: 'first_name', comparator: 'name' },
        { field: 'last_name', comparator: 'name' },
        { field: 'name', comparator: 'name' },
        { field: 'email', comparator: 'email' },
        { field: 'phone', comparator: 'phone' },
        { field: 'birthday', comparator: 'date' },
        { field: 'city', comparator: 'text' },
      ],
    });
  });
  afterAll(async () => server.close());

  it('refuses bad rules naming the path, value and reason, and keeps the old ones', async () => {
    const bad = await call('PUT', '/api/duplicates/rules', {
      token: admin,
      body: {
        fields: [
          { field: 'shoe_size', comparator: 'name' },
          { field: 'email', comparator: 'fuzzy' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'rules.fields[0].field', value: 'shoe_size' }),
        expect.objectContaining({ field: 'rules.fields[1].comparator', value: 'fuzzy' }),
      ]),
    );
    const rules = await call('GET', '/api/duplicates/rules', { token: agent });
    expect(rules.body.is_default).toBe(false);
    expect(rules.body.rules.fields).toHaveLength(7);
    expect(
      (await call('PUT', '/api/duplicates/rules', { token: agent, body: rules.body.rules })).status,
    ).toBe(403);
  });

  it('tries draft rules on two customers without saving them', async () => {
    const draft = {
      fields: [
        { field: 'first_name', comparator: 'name' },
        { field: 'last_name', comparator: 'name' },
        { field: 'email', comparator: 'email' },
        { field: 'birthday', comparator: 'date' },
      ],
    };
    const before = (await call('GET', '/api/duplicates/rules', { token: admin })).body.rules;
    const body = { rules: draft, contact_ids: [ids.jon, ids.jon2] };
    expect((await call('POST', '/api/duplicates/rules/try', { token: agent, body })).status).toBe(403);
    const tried = await call('POST', '/api/duplicates/rules/try', { token: admin, body });
    expect(tried.status).toBe(200);
    expect(tried.body).toMatchObject({ contact_ids: [ids.jon, ids.jon2], model: 'generic' });
    expect(tried.body.explanation.map((c: { field: string }) => c.field)).toEqual([
      'first_name',
      'last_name',
      'email',
      'birthday',
    ]);
    expect(tried.body.explanation.find((c: { field: string }) => c.field === 'email')).toMatchObject({
      level: 'same_mailbox',
    });
    const strangers = await call('POST', '/api/duplicates/rules/try', {
      token: admin,
      body: { rules: draft, contact_ids: [ids.jon, ids.mary] },
    });
    expect(strangers.body.score).toBeLessThan(tried.body.score);
    expect(strangers.body.band).toBe('none');
    // Bad rules get the same errors as saving them; bad customers name the value.
    const bad = await call('POST', '/api/duplicates/rules/try', {
      token: admin,
      body: {
        rules: { fields: [{ field: 'email', comparator: 'fuzzy' }] },
        contact_ids: [ids.jon, ids.jon2],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'rules.fields[0].comparator', value: 'fuzzy' }),
      ]),
    );
    const missing = await call('POST', '/api/duplicates/rules/try', {
      token: admin,
      body: { rules: draft, contact_ids: [ids.jon, 'con_nope'] },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toMatchObject({ field: 'contact_ids', value: 'con_nope' });
    expect((await call('GET', '/api/duplicates/rules', { token: admin })).body.rules).toEqual(before);

    // Under the saved rules, for anyone who may compare customers (no stored pair needed).
    const scored = await call('GET', `/api/duplicates/score?ids=${ids.jon},${ids.jon2}`, { token: agent });
    expect(scored.status).toBe(200);
    expect(scored.body.contact_ids).toEqual([ids.jon, ids.jon2]);
    expect(['match', 'review']).toContain(scored.body.band);
    expect(scored.body.explanation.find((c: { field: string }) => c.field === 'email')).toMatchObject({
      level: 'same_mailbox',
    });
    const apart = await call('GET', `/api/duplicates/score?ids=${ids.jon},${ids.mary}`, { token: agent });
    expect(apart.body.band).toBe('none');
    const three = await call('GET', `/api/duplicates/score?ids=${ids.jon},${ids.jon2},${ids.mary}`, {
      token: agent,
    });
    expect(three.status).toBe(400);
    expect(three.body.error.details).toMatchObject({ field: 'ids' });
  });

  it('scans, lists pairs with explanations, and remembers "not a duplicate"', async () => {
    expect((await call('POST', '/api/duplicates/scans', { token: agent, body: { wait: true } })).status).toBe(
      403,
    );
    const scan = await call('POST', '/api/duplicates/scans', { token: admin, body: { wait: true } });
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ kind: 'full', contacts: 6 });
    expect(scan.body.compared).toBeGreaterThan(0);
    const list = await call('GET', '/api/duplicates', { token: agent });
    const pairs = list.body.data as {
      id: string;
      contact_a: string;
      contact_b: string;
      explanation: { field: string; weight: number }[];
    }[];
    const key = (p: { contact_a: string; contact_b: string }) => [p.contact_a, p.contact_b].sort().join(' ');
    const jon = pairs.find((p) => key(p) === [ids.jon, ids.jon2].sort().join(' '));
    const wei = pairs.find((p) => key(p) === [ids.wei, ids.wei2].sort().join(' '));
    expect(jon).toBeDefined();
    expect(wei).toBeDefined();
    expect(pairs.some((p) => [p.contact_a, p.contact_b].includes(ids.anna!))).toBe(false);
    expect(jon!.explanation.find((c) => c.field === 'email')).toMatchObject({ level: 'same_mailbox' });
    // Filtered by a field they agree on; a name no rule could compare is refused, not an empty queue.
    const byEmail = await call('GET', '/api/duplicates?field=email', { token: agent });
    expect(byEmail.body.data.map((p: { id: string }) => p.id)).toContain(jon!.id);
    const bogus = await call('GET', '/api/duplicates?field=shoe_size', { token: agent });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.details).toMatchObject({ field: 'field', value: 'shoe_size' });
    expect(bogus.body.error.details.reason).toContain('attr.<key>');
    expect(wei!.explanation.find((c) => c.field === 'name')).toMatchObject({ level: 'alias' });

    // Keyset pages walk the same queue in the same order.
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await call('GET', `/api/duplicates?limit=1${after ? `&after=${after}` : ''}`, {
        token: agent,
      });
      if (page.body.data.length === 0) break;
      paged.push(page.body.data[0].id);
      after = page.body.data[0].id;
    }
    expect(paged).toEqual(pairs.map((p) => p.id));
    expect((await call('GET', '/api/duplicates?after=dup_nope', { token: agent })).status).toBe(400);

    const decided = await call('POST', `/api/duplicates/${wei!.id}/decision`, {
      token: agent,
      body: { decision: 'not_duplicate' },
    });
    expect(decided.body.status).toBe('not_duplicate');
    await call('POST', '/api/duplicates/scans', { token: admin, body: { wait: true } });
    const again = (await call('GET', '/api/duplicates', { token: agent })).body.data as typeof pairs;
    expect(again.some((p) => key(p) === key(wei!))).toBe(false);
    expect(again.some((p) => key(p) === key(jon!))).toBe(true);

    // The queue's size per status and band, and the scans with what they found, for the overview.
    const counts = (await call('GET', '/api/duplicates/counts', { token: agent })).body;
    expect(counts.status).toEqual({ open: again.length, not_duplicate: 1, skipped: 0, merged: 0 });
    expect(counts.open.match + counts.open.review).toBe(again.length);
    const scans = (await call('GET', '/api/duplicates/scans', { token: agent })).body.data;
    expect(scans).toHaveLength(2);
    expect(scans[0]).toMatchObject({ kind: 'full', contacts: 6 });
    // Found again, the pair marked "not a duplicate" counts as found but is not stored open.
    expect(scans[0].pairs).toBe(again.length + 1);
    expect(scans[0]).not.toHaveProperty('model');

    const csv = await fetch(`${server.baseUrl}/api/duplicates/export.csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFa_id,b_id,a_external_id,b_external_id,score,band');
    expect(text).toContain(ids.jon!);
  });

  it("checks a would-be contact and finds a typo'd duplicate", async () => {
    const check = await call('POST', '/api/contacts/duplicates/check', {
      token: agent,
      body: {
        first_name: 'Jonathen',
        last_name: 'Smyth',
        email: 'jon.smith@googlemail.com',
        birthday: '1985-03-02',
      },
    });
    expect(check.status).toBe(200);
    expect(check.body.candidates[0]).toMatchObject({ contact_id: ids.jon, held_keys: [] });
    // Another person entirely, but with Anna's e-mail (written in capitals) and 张伟's phone in another
    // writing: creating would be refused, so both owners are named with the keys they hold, whatever
    // their score.
    const held = await call('POST', '/api/contacts/duplicates/check', {
      token: agent,
      body: { first_name: 'Zed', last_name: 'Quorn', email: 'ANNA@example.com', phone: '+86 138 0013 8001' },
    });
    expect(held.status).toBe(200);
    const holders = Object.fromEntries(
      held.body.candidates.map((c: { contact_id: string; held_keys: string[] }) => [
        c.contact_id,
        c.held_keys,
      ]),
    );
    expect(holders[ids.anna!]).toEqual(['email']);
    expect(holders[ids.wei!]).toEqual(['phone']);
    const created = await call('POST', '/api/contacts', {
      token: agent,
      body: { first_name: 'Jonathan', last_name: 'Smith', birthday: '1985-03-02', city: 'Leeds' },
    });
    expect(created.status).toBe(201);
    expect(created.body.duplicate_candidates.map((c: { contact_id: string }) => c.contact_id)).toContain(
      ids.jon,
    );
    await call('PATCH', '/api/duplicates/policy', { token: admin, body: { on_create: 'block' } });
    const blocked = await call('POST', '/api/contacts', {
      token: agent,
      body: {
        first_name: 'Jonathan',
        last_name: 'Smith',
        email: 'jon.smith@gmail.com',
        birthday: '1985-03-02',
        city: 'Leeds',
      },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toMatch(/likely_duplicate|conflict/);
    await call('PATCH', '/api/duplicates/policy', { token: admin, body: { on_create: 'warn' } });
  });

  it('merges (admin only), resolves the merged id, and unmerges', async () => {
    const body = { survivor_id: ids.jon, contact_ids: [ids.jon2] };
    expect((await call('POST', '/api/contacts/merge', { token: agent, body })).status).toBe(403);
    const preview = await call('POST', '/api/contacts/merge', {
      token: admin,
      body: { ...body, dry_run: true },
    });
    expect(preview.body).toMatchObject({ merge_id: null, dry_run: true });
    const merged = await call('POST', '/api/contacts/merge', { token: admin, body });
    expect(merged.status).toBe(200);
    expect(merged.body.contact.additional_emails).toEqual(['jonsmith+shop@gmail.com']);
    const resolved = await call('GET', `/api/contacts/${ids.jon2}`, { token: agent });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: ids.jon, merged_from: ids.jon2 });
    const undone = await call('POST', `/api/merges/${merged.body.merge_id}/unmerge`, { token: admin });
    expect(undone.status).toBe(200);
    expect((await call('GET', `/api/contacts/${ids.jon2}`, { token: agent })).body).toMatchObject({
      id: ids.jon2,
    });
    expect(
      (await call('GET', `/api/merges/${merged.body.merge_id}`, { token: agent })).body.undone_at,
    ).not.toBeNull();
  });

  it('batch-deletes with a confirmation count and a downloadable backup, then restores', async () => {
    const wrong = await call('POST', '/api/contacts/batch-delete', {
      token: admin,
      body: { filter: { q: 'smith' }, confirm_count: 1 },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toMatchObject({ field: 'confirm_count' });
    // A filter whose conditions are all blank selects everyone: refused as the empty filter is.
    for (const filter of [{ q: ' ' }, { tag: '\u0000' }, { attributes: {} }, { q: '', tag: ' ' }]) {
      const blank = await call('POST', '/api/contacts/batch-delete', {
        token: admin,
        body: { filter, confirm_count: -1 },
      });
      expect(blank.status, JSON.stringify(filter)).toBe(400);
      expect(blank.body.error.details).toMatchObject({ field: 'filter' });
    }
    // A wrong shape names its field.
    for (const [body, field] of [
      [{ filter: { q: 'smith' }, confirm_count: '1' }, 'confirm_count'],
      [{ ids: [ids.jon], filter: { q: 'smith' } }, 'ids'],
      [{ confirm_count: 1 }, 'ids'],
    ] as const) {
      const r = await call('POST', '/api/contacts/batch-delete', { token: admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.details[0]).toMatchObject({ field });
    }
    const count = wrong.body.error.message.match(/\((\d+)\)/)[1];
    const deleted = await call('POST', '/api/contacts/batch-delete', {
      token: admin,
      body: { filter: { q: 'smith' }, confirm_count: Number(count) },
    });
    expect(deleted.status).toBe(200);
    const backup = await fetch(`${server.baseUrl}/api/contacts/deletions/${deleted.body.id}/backup`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect((await backup.text()).trim().split('\n')).toHaveLength(Number(count));
    expect((await call('GET', `/api/contacts/${ids.jon}`, { token: agent })).status).toBe(404);
    const restored = await call('POST', `/api/contacts/deletions/${deleted.body.id}/restore`, {
      token: admin,
    });
    expect(restored.status).toBe(200);
    expect((await call('GET', `/api/contacts/${ids.jon}`, { token: agent })).body.email).toBe(
      'jon.smith@gmail.com',
    );
  });

  it('a queued scan and an automatic merge run as jobs that report their progress and outcome', async () => {
    const follow = async (path: string) => {
      for (let i = 0; i < 400; i++) {
        const job = await call('GET', path, { token: admin });
        expect(job.status).toBe(200);
        if (job.body.state === 'done' || job.body.state === 'failed') return job.body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${path} did not finish`);
    };
    const queued = await call('POST', '/api/duplicates/scans', { token: admin, body: {} });
    expect(queued.status).toBe(202);
    const scan = await follow(`/api/duplicates/scans/jobs/${queued.body.job_id}`);
    expect(scan).toMatchObject({ state: 'done', last_error: null });
    expect(scan.progress).toMatchObject({ stage: 'done', step: 7, steps: 7 });
    expect(scan.progress.summary).toMatchObject({ kind: 'full', contacts: 7 });
    expect((await call('GET', '/api/duplicates/scans/jobs/job_nope', { token: agent })).status).toBe(404);

    const preview = await call('POST', '/api/duplicates/merge-matches', {
      token: admin,
      body: { dry_run: true },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.merges.length).toBeGreaterThan(0);
    const asAgent = { token: agent, body: { background: true } };
    expect((await call('POST', '/api/duplicates/merge-matches', asAgent)).status).toBe(403);
    const started = await call('POST', '/api/duplicates/merge-matches', {
      token: admin,
      body: { background: true },
    });
    expect(started.status).toBe(202);
    const path = `/api/duplicates/merge-matches/jobs/${started.body.job_id}`;
    expect((await call('GET', path, { token: agent })).status).toBe(403);
    const merged = await follow(path);
    expect(merged.state).toBe('done');
    expect(merged.progress).toMatchObject({
      stage: 'done',
      total: preview.body.clusters,
      done: preview.body.clusters,
      merged_clusters: preview.body.merges.length,
      merged_contacts: preview.body.merged_contacts,
      failed: 0,
      held_back: preview.body.held_back,
    });
    type Person = { id: string; name: string | null; first_name: string | null; email: string | null };
    const history = (await call('GET', '/api/merges', { token: admin })).body.data as {
      id: string;
      survivor_id: string;
      merged_ids: string[];
      people: Person[];
    }[];
    for (const merge of merged.progress.merges) expect(history.map((m) => m.id)).toContain(merge.merge_id);
    // Each merge names its people as they were before it (the merged ones now lead to the survivor).
    for (const merge of history) {
      expect(merge.people.map((p) => p.id)).toEqual([merge.survivor_id, ...merge.merged_ids]);
      for (const person of merge.people)
        expect(person.name ?? person.first_name ?? person.email, JSON.stringify(person)).toBeTruthy();
    }
    const jon = history.find((m) => m.people.some((p) => p.id === ids.jon));
    if (jon) expect(jon.people.find((p) => p.id === ids.jon)).toMatchObject({ email: 'jon.smith@gmail.com' });

    // Several contacts at once: each merge that took any of them, and no other.
    const mergedAway = history.slice(0, 2).map((m) => m.merged_ids[0]!);
    const some = await call('GET', `/api/merges?contact_id=${mergedAway.join(',')}`, { token: agent });
    expect(some.status).toBe(200);
    expect(some.body.data.map((m: { id: string }) => m.id).sort()).toEqual(
      history
        .filter(
          (m) => m.merged_ids.some((id) => mergedAway.includes(id)) || mergedAway.includes(m.survivor_id),
        )
        .map((m) => m.id)
        .sort(),
    );
    // `%` and `_` are LIKE's wildcards: an id made of them matches only itself (no contact here).
    for (const wildcard of ['%25', '_', 'ct%25'])
      expect(
        (await call('GET', `/api/merges?contact_id=${wildcard}`, { token: agent })).body.data,
        wildcard,
      ).toEqual([]);
    const empty = await call('GET', `/api/merges?contact_id=${mergedAway[0]},,`, { token: agent });
    expect([empty.status, empty.body.error.details.reason]).toEqual([400, 'has an empty id in its list']);
    const many = Array.from({ length: 101 }, (_, i) => `ct_${i}`).join(',');
    const tooMany = await call('GET', `/api/merges?contact_id=${many}`, { token: agent });
    expect([tooMany.status, tooMany.body.error.details.reason]).toEqual([
      400,
      'lists more than 100 contacts',
    ]);
  });
});

describe(`the automatic merge sent twice at once on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  const CLUSTERS = 60;

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
    // Clusters of two certain matches each, planted in the queue as a scan leaves them.
    for (let i = 1; i <= CLUSTERS; i++) {
      const [a, b] = [
        (await server.kith.contacts.create({ name: `Twin ${i}` }, SYSTEM_ACTOR)).id,
        (await server.kith.contacts.create({ name: `Twin ${i}` }, SYSTEM_ACTOR)).id,
      ];
      await server.kith.store.db
        .insertInto('duplicate_pairs')
        .values(plantedPair({ id: i, a, b, score: 0.99, band: 'match', status: 'open', cluster: i }))
        .execute();
    }
  });
  afterAll(async () => server.close());

  it('counts the clusters the other run merged as already merged, not as failures', async () => {
    const answers = await answersAtOnce(
      () => api(server.baseUrl, 'POST', '/api/duplicates/merge-matches', { token: admin, body: {} }),
      2,
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.failed).toEqual([]);
      // Every cluster it read was merged by it or by the other run: nothing left unsaid.
      expect(answer.body.merges.length + answer.body.already_merged).toBe(answer.body.clusters);
    }
    // Each cluster merged once, by one of the two.
    const merged = answers.flatMap((a) => a.body.merges as { merge_id: string }[]);
    expect(merged).toHaveLength(CLUSTERS);
    const history = await api(server.baseUrl, 'GET', '/api/merges', { token: admin });
    expect(history.body.data).toHaveLength(CLUSTERS);
    // The two runs did overlap: one of them found the other's merges.
    expect(answers.reduce((n, a) => n + a.body.already_merged, 0)).toBeGreaterThan(0);
  });
});
