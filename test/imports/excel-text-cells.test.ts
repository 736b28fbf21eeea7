import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { excelTextCells, quoteExcelTextCells } from '../../src/imports/read/excel-text-cells.js';

describe('Excel text cells written without quotes (="…")', () => {
  it.each([
    ['="2836000000000001",tb_nick,138\r\n', ',', '"=""2836000000000001""",tb_nick,138\r\n'],
    ['a,="0571-8888",b\n', ',', 'a,"=""0571-8888""",b\n'],
    ['a,="x"', ',', 'a,"=""x"""'],
    ['a;="12";b\n', ';', 'a;"=""12""";b\n'],
    ['a\t="12"\tb\n', '\t', 'a\t"=""12"""\tb\n'],
    ['="1",="2"\n', ',', '"=""1""","=""2"""\n'],
    ['="",x\n', ',', '"=""""",x\n'],
    // Already quoted, or not a whole cell: left as they are.
    ['"=""2836""",x\n', ',', '"=""2836""",x\n'],
    ['a,b="1",c\n', ',', 'a,b="1",c\n'],
    ['a,="1"x,c\n', ',', 'a,="1"x,c\n'],
    ['a,="1\n2",c\n', ',', 'a,="1\n2",c\n'],
    ['plain,text\n', ',', 'plain,text\n'],
  ])('%j (delimiter %j) → %j', (text, delimiter, expected) => {
    expect(quoteExcelTextCells(text, delimiter)).toBe(expected);
  });

  it('rewrites a stream cut anywhere the same as the whole text', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `="28360000${i}",名字${i},="138${i}"\r\n`).join('');
    for (const size of [1, 3, 7, 64, 1000]) {
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
      const out: Buffer[] = [];
      for await (const chunk of Readable.from(pieces).pipe(excelTextCells(','))) out.push(chunk as Buffer);
      expect(Buffer.concat(out).toString('utf8'), `pieces of ${size}`).toBe(quoteExcelTextCells(text, ','));
    }
  });
});
