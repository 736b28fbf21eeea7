import { describe, expect, it } from 'vitest';
import { Utf8Run } from '../../src/exports/utf8-run.js';

const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

describe('Utf8Run', () => {
  it.each([
    ['ASCII', ['id,name\n', 'ct_1,Ann\n']],
    ['Chinese', ['王伟,', '北京市朝阳区\n']],
    ['a character outside the BMP (a surrogate pair)', ['😀 emoji ', '𠮷野家\n']],
    ['an empty piece', ['', 'a', '']],
    ['a byte order mark', ['\uFEFFname\n']],
  ])('writes %s exactly as UTF-8', (_label, pieces) => {
    const run = new Utf8Run(16);
    for (const piece of pieces) run.append(piece);
    const text = pieces.join('');
    expect(run.byteLength).toBe(Buffer.byteLength(text));
    expect(decode(run.take())).toBe(text);
  });

  it('grows past its first buffer without cutting a character at the boundary', () => {
    const run = new Utf8Run(8);
    const pieces = Array.from({ length: 2000 }, (_, i) => `${i}:张三😀"\n`);
    for (const piece of pieces) run.append(piece);
    expect(decode(run.take())).toBe(pieces.join(''));
  });

  it('starts over after take, and what was taken stays as it was', () => {
    const run = new Utf8Run(64);
    run.append('first run');
    const first = run.take();
    run.append('second');
    expect(decode(first)).toBe('first run');
    expect(decode(run.take())).toBe('second');
    expect(run.take()).toHaveLength(0);
  });
});
