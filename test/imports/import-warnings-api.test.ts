/**
 * The warnings of an import over HTTP and in its summaries: the `warned` count on the import, the
 * warnings file download, the e-mail to its starter and the import.completed webhook.
 */
import http from 'node:http';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { decodeQuotedPrintable, startSmtp } from '../support/smtp-server.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe(`import warnings over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: http.Server;
  const hooks: string[] = [];
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      KITH_PUBLIC_URL: 'https://kith.example.com',
      KITH_OUTBOUND_ALLOW: '127.0.0.1',
    });
    const a = await server.kith.users.create(
      { email: 'warned@example.com', password: 'import pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    await server.kith.webhooks.create({
      url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/kith`,
      events: ['import.completed'],
    });
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const upload = (path: string, file: Buffer | string, fields: Record<string, unknown> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, JSON.stringify(v));
    form.append('file', new Blob([file], { type: 'text/csv' }), 'contacts.csv');
    return fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
  };
  const get = (path: string) =>
    fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${admin}` } });

  it('counts, lists and announces the rows imported with a warning', async () => {
    const csv = 'name,email,gender\nAsha,asha@example.in,Agender\nLi,li@example.cn,女\nBad,bad,Agender\n';
    const started = (await (await upload('/api/imports', csv)).json()) as { id: string };
    let record: Record<string, unknown> = {};
    for (let i = 0; i < 200 && record.status !== 'completed'; i++) {
      await new Promise((res) => setTimeout(res, 25));
      record = (await (await get(`/api/imports/${started.id}`)).json()) as Record<string, unknown>;
    }
    expect(record).toMatchObject({ status: 'completed', rows: 3, created: 2, failed: 1, warned: 1 });
    const list = (await (await get('/api/imports')).json()) as { data: Record<string, unknown>[] };
    expect(list.data.find((r) => r.id === started.id)).toMatchObject({ warned: 1 });

    const download = await get(`/api/imports/${started.id}/warnings`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="${started.id}-warnings.csv"; filename*=UTF-8''${encodeURIComponent('contacts-warnings.csv')}`,
    );
    const bytes = Buffer.from(await download.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'name,email,gender,warning\nAsha,asha@example.in,Agender,"row 2: gender was not imported: must be one of male, female, other (got ""Agender"")"\n',
    );
    expect((await get('/api/imports/imp_nope/warnings')).status).toBe(404);

    for (let i = 0; i < 100 && (smtp.mails.length === 0 || hooks.length === 0); i++)
      await new Promise((res) => setTimeout(res, 20));
    const mail = decodeQuotedPrintable(smtp.mails[0]!.data);
    expect(mail).toContain('With warnings: 1');
    expect(mail).toContain('1 × gender was not imported: must be one of male, female, other');
    expect(mail).toContain(`https://kith.example.com/api/imports/${started.id}/warnings`);
    expect(JSON.parse(hooks[0]!).data).toMatchObject({
      import_id: started.id,
      created: 2,
      failed: 1,
      warned: 1,
      warnings_url: `https://kith.example.com/api/imports/${started.id}/warnings`,
    });
  });

  it('previews an ambiguous file with both readings side by side, and refuses to guess', async () => {
    // Hangul in EUC-KR is also valid GBK made of common Chinese characters: only the user can tell.
    const bytes = iconv.encode('이름,전화\n김철수,010-1234-5678\n', 'euc-kr');
    const preview = await upload('/api/imports/preview', bytes);
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ encoding_confidence: 'unsure' });
    const candidates = body.encoding_candidates as { encoding: string; option: string; sample: string[] }[];
    expect(candidates.map((c) => c.encoding).sort()).toEqual(['euc-kr', 'gb18030']);
    expect(candidates.find((c) => c.encoding === 'euc-kr')).toMatchObject({
      option: 'euc-kr',
      label: 'EUC-KR (Korean)',
      sample: ['이름,전화', '김철수,010-1234-5678'],
    });
    expect(candidates.find((c) => c.encoding === 'gb18030')?.sample[1]).toBe(
      iconv.decode(iconv.encode('김철수,010-1234-5678', 'euc-kr'), 'gb18030'),
    );

    const refused = await upload('/api/imports', bytes);
    expect(refused.status).toBe(422);
    const error = ((await refused.json()) as { error: { message: string; details: Record<string, unknown> } })
      .error;
    expect(error.message).toContain('as EUC-KR (Korean) it reads "이름,전화" (--encoding euc-kr)');
    expect(error.message).toContain('(--encoding gbk)');
    expect(error.details.candidates).toHaveLength(2);

    const chosen = await upload('/api/imports/preview', bytes, { options: { encoding: 'euc-kr' } });
    expect(await chosen.json()).toMatchObject({
      encoding: 'euc-kr',
      encoding_confidence: 'certain',
      encoding_candidates: [],
      header: ['이름', '전화'],
    });
  });

  it('answers an empty list of readings when the encoding is clear', async () => {
    const preview = await upload(
      '/api/imports/preview',
      iconv.encode('姓名,電話\n陳大文,0912345678\n', 'big5'),
    );
    expect(await preview.json()).toMatchObject({
      encoding: 'big5',
      encoding_confidence: 'likely',
      encoding_candidates: [],
      header: ['姓名', '電話'],
      rows: [['陳大文', '0912345678']],
    });
  });
});
