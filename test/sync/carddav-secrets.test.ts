import { describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config.js';
import { SecretBox } from '../../src/sync/carddav/sync-secrets.js';

describe('sync credentials at rest (pure)', () => {
  const key = Buffer.alloc(32, 1);

  it('seal and open round-trip; the ciphertext holds no plain text and differs each time', () => {
    const box = new SecretBox(key);
    const a = box.seal('{"password":"hunter2-密码"}', 'syn_1');
    const b = box.seal('{"password":"hunter2-密码"}', 'syn_1');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), 'base64').toString('utf8')).not.toContain('hunter2');
    expect(box.open(a, 'syn_1')).toBe('{"password":"hunter2-密码"}');
  });

  it('refuses another connection’s ciphertext and another key, without leaking internals', () => {
    const sealed = new SecretBox(key).seal('p', 'syn_1');
    expect(() => new SecretBox(key).open(sealed, 'syn_2')).toThrow(/cannot be decrypted/);
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed, 'syn_1')).toThrow(/KITH_SECRET_KEY/);
  });

  it('stores nothing without a key, saying how to set one', () => {
    expect(() => new SecretBox(null).seal('p', 'syn_1')).toThrow(/KITH_SECRET_KEY is not set.*openssl rand/);
  });

  it.each([
    ['', null],
    ['   ', null],
    ['00'.repeat(32), Buffer.alloc(32)],
    [Buffer.alloc(32, 7).toString('base64'), Buffer.alloc(32, 7)],
  ])('KITH_SECRET_KEY %j is read', (raw, expected) => {
    expect(parseSecretKey(raw)).toEqual(expected);
  });

  it.each(['short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64'), `${'zz'.repeat(32)}`])(
    'KITH_SECRET_KEY %j is refused, naming the variable and the form',
    (raw) => {
      expect(() => parseSecretKey(raw)).toThrow(/KITH_SECRET_KEY must be 32 random bytes/);
    },
  );
});
