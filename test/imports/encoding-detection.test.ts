/**
 * Encoding detection on real customer text in each legacy encoding (bytes made with iconv-lite), short
 * files included: judged by what the text becomes, asking only when two readings both make sense.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectEncoding,
  encodingReadings,
  parseEncodingName,
  readingPlausibility,
  type TextEncoding,
} from '../../src/imports/read/detect-encoding.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const bytes = (text: string, encoding: string) => iconv.encode(text, encoding);

describe('detectEncoding judges legacy encodings by what the text becomes', () => {
  it.each([
    // Short single-byte files: valid GBK too, but a CJK character inside a Latin word is implausible.
    ['a Latin name (J\\xf6hn D\\xf6e)', Buffer.from('J\xf6hn D\xf6e', 'latin1'), 'windows-1252'],
    ['Latin names', bytes('name,city\nJosé Müller,Zürich\n', 'win1252'), 'windows-1252'],
    ['Portuguese', bytes('nome\nAna Conceição\n', 'win1252'), 'windows-1252'],
    ['upper case', bytes('NAME\nMÜLLER, ANDRÉ\n', 'win1252'), 'windows-1252'],
    ['typographic quotes and €', bytes('note\nCafé “Zum Löwen” – 5 €\n', 'win1252'), 'windows-1252'],
    // Chinese read as Latin gives accented letters piled up between symbols: implausible.
    ['a two-character GBK name', bytes('张伟', 'gbk'), 'gb18030'],
    ['GBK headers and names', bytes('姓名,手机,邮箱\n张伟,13800138000,zw@example.cn\n', 'gbk'), 'gb18030'],
    ['GB18030', bytes('客户姓名,手机号码,性别\n刘强,13800138203,男\n', 'gb18030'), 'gb18030'],
    ['Big5 from Taiwan', bytes('姓名,電話,電子郵件\n陳大文,0912345678,chan@example.tw\n', 'big5'), 'big5'],
    ['a Big5 name alone', bytes('陳大文', 'big5'), 'big5'],
    ['Big5 from Hong Kong', bytes('客戶名稱,聯絡電話\n黃志明,9123 4567\n', 'big5'), 'big5'],
    [
      'Shift_JIS',
      bytes('氏名,電話番号,メール\n山田太郎,090-1234-5678,yamada@example.jp\n', 'shift_jis'),
      'shift_jis',
    ],
    ['a Shift_JIS name alone', bytes('山田太郎', 'shift_jis'), 'shift_jis'],
    ['Shift_JIS with kana', bytes('お名前,電話\n鈴木一郎,03-1234-5678\n', 'shift_jis'), 'shift_jis'],
    [
      'EUC-KR with enough text for language statistics',
      bytes(
        '이름,전화,도시,메모\n김철수,010-1234-5678,서울,우수 고객\n이영희,010-8765-4321,부산,신규 고객\n박지성,010-2222-3333,인천,재구매 고객\n',
        'euc-kr',
      ),
      'euc-kr',
    ],
  ] as [string, Buffer, TextEncoding][])('%s → $2', (_label, sample, encoding) => {
    const guess = detectEncoding(sample, true);
    expect(guess, guess.reason).toMatchObject({ encoding, confidence: 'likely' });
  });

  it.each([
    // KS X 1001 Hangul and GB2312 share their byte layout: two names are common characters either way.
    ['a short Korean file', bytes('이름,전화\n김철수,010-1234-5678\n', 'euc-kr'), ['gb18030', 'euc-kr']],
    ['a two-character Chinese name', bytes('李娜', 'gbk'), ['gb18030', 'big5', 'euc-kr']],
  ] as [string, Buffer, TextEncoding[]][])(
    'asks when both readings make sense: %s',
    (_l, sample, choices) => {
      const guess = detectEncoding(sample, true);
      expect(guess.confidence).toBe('unsure');
      expect([...guess.alternatives!].sort()).toEqual([...choices].sort());
      expect(guess.encoding).toBe(guess.alternatives![0]);
      expect(guess.reason).toMatch(/^the bytes read plausibly as .* and as /);
    },
  );

  it('is unsure, naming the two least implausible readings, when no reading makes sense', () => {
    const guess = detectEncoding(Buffer.from([0x61, 0x2c, 0xb0, 0xa1, 0xe9, 0x20, 0x0a]), true);
    expect(guess.confidence).toBe('unsure');
    expect(guess.alternatives).toHaveLength(2);
    expect(guess.reason).toMatch(/no reading is convincing/);
  });

  it('keeps certain answers for BOMs and UTF-8', () => {
    expect(detectEncoding(bytes('姓名\n张伟\n', 'utf-8'), true)).toMatchObject({
      encoding: 'utf-8',
      confidence: 'certain',
    });
  });

  it('does not judge a sample by a character cut at its end', () => {
    const text = bytes(`姓名,電話\n${'陳大文,0912345678\n'.repeat(50)}`, 'big5');
    const cut = text.subarray(0, text.length - 12); // ends in the middle of 陳大文
    expect(detectEncoding(cut, false)).toMatchObject({ encoding: 'big5', confidence: 'likely' });
  });

  it.each([
    ['a CJK character inside a Latin word', 'J鰄n', 'gb18030', 0],
    ['common Chinese', '张伟,杭州', 'gb18030', 1],
    ['accented letters in Latin words', 'Jöhn Döe', 'windows-1252', 1],
    ['accented letters piled up where Chinese stood', 'ÕÅÎ°,º¼ÖÝ', 'windows-1252', 0],
    ['Hanja glued to Hangul', '고객姓명', 'euc-kr', 0.75],
  ] as [string, string, TextEncoding, number][])('plausibility: %s', (_l, text, encoding, score) => {
    expect(readingPlausibility(text, encoding).score).toBeCloseTo(score, 2);
  });

  it('shows the lines that differ, as each encoding reads them', () => {
    const sample = bytes('id,name\n1,ascii only\n2,김철수\n', 'euc-kr');
    expect(encodingReadings(sample, ['euc-kr', 'gb18030'])).toEqual([
      { encoding: 'euc-kr', label: 'EUC-KR (Korean)', option: 'euc-kr', sample: ['2,김철수'] },
      {
        encoding: 'gb18030',
        label: 'GBK/GB18030 (simplified Chinese)',
        option: 'gbk',
        sample: [`2,${iconv.decode(bytes('김철수', 'euc-kr'), 'gb18030')}`],
      },
    ]);
  });

  it('reads the encoding names people type', () => {
    expect(
      ['Big5', 'big5-hkscs', 'cp950', 'Shift_JIS', 'sjis', 'CP932', 'EUC-KR', 'cp949', 'GBK', 'latin1'].map(
        parseEncodingName,
      ),
    ).toEqual([
      'big5',
      'big5',
      'big5',
      'shift_jis',
      'shift_jis',
      'shift_jis',
      'euc-kr',
      'euc-kr',
      'gb18030',
      'windows-1252',
    ]);
  });
});

describe(`importing Big5, Shift_JIS and EUC-KR files on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it.each([
    ['big5', '姓名,電話\n陳大文,0912345678\n', '陳大文', {}],
    ['shift_jis', 'name,email\n山田太郎,yamada@example.jp\n', '山田太郎', {}],
    ['euc-kr', 'name,email\n김철수,kim@example.kr\n', '김철수', { encoding: 'euc-kr' }],
  ])('%s: names arrive intact', async (encoding, text, name, request) => {
    const file = fixture(`${encoding}.csv`, text, encoding);
    const r = await runImport(kith, file, { region: 'TW', ...request });
    expect(r).toMatchObject({ status: 'completed', created: 1, encoding });
    expect((await kith.contacts.list({ q: name })).data[0]?.name).toBe(name);
  });

  it('refuses a short Korean file until the encoding is chosen, naming both readings', async () => {
    const file = fixture('short-korean.csv', '이름,email\n김철수,kim2@example.kr\n', 'euc-kr');
    const refused = kith.imports.start({ filePath: file, fileName: 'k.csv' }, ADMIN);
    await expect(refused).rejects.toBeInstanceOf(ImportFileError);
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toMatch(/^the file's encoding could not be detected with confidence \(the bytes read/);
    expect(message).toContain('as EUC-KR (Korean) it reads "이름,email" (--encoding euc-kr)');
    expect(message).toContain(
      `as GBK/GB18030 (simplified Chinese) it reads ${JSON.stringify(iconv.decode(bytes('이름,email', 'euc-kr'), 'gb18030'))} (--encoding gbk)`,
    );
    expect(message).toMatch(
      /; choose the one that reads right with --encoding \(options\.encoding in the API\)$/,
    );
  });
});
