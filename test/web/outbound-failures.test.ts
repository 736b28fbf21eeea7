import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { OutboundHttp } from '../../src/sync/outbound/outbound-http.js';
import { OutboundPolicy } from '../../src/sync/outbound/outbound-policy.js';
import { en, WEB, zh } from './web-i18n.js';

const { outboundErrorText } = (await import(`${WEB}/features/settings/outbound-errors.ts`)) as {
  outboundErrorText: (reason: string, t: TFunction) => string;
};

/** What a webhook delivery failed with: the outbound client's own words (src/sync/outbound/outbound-http.ts). */
async function failure(
  url: string,
  resolve?: ConstructorParameters<typeof OutboundHttp>[1],
): Promise<string> {
  const http = new OutboundHttp(OutboundPolicy.parse('127.0.0.1'), resolve);
  try {
    await http.send(url, { method: 'POST', headers: {}, body: '{}', timeoutMs: 2_000 });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the request was answered');
}

describe("a webhook delivery's failure, in the settings page's language", () => {
  it('a port nobody listens on', async () => {
    const reason = await failure('http://127.0.0.1:1/hook');
    expect(outboundErrorText(reason, zh)).toBe('无法连接到 127.0.0.1:1（ECONNREFUSED）。');
    expect(outboundErrorText(reason, en)).toBe('Could not connect to 127.0.0.1:1 (ECONNREFUSED).');
  });

  it('a name that does not resolve', async () => {
    const missing = Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    const reason = await failure('https://hooks.example.invalid/kith', async () => {
      throw missing;
    });
    expect(outboundErrorText(reason, zh)).toBe('找不到域名 hooks.example.invalid（ENOTFOUND）：请检查地址。');
  });

  it('an internal address, refused before sending', async () => {
    const reason = await failure('http://10.1.2.3/hook');
    expect(outboundErrorText(reason, zh)).toContain('10.1.2.3 是内网地址');
  });

  it('keeps any other reason as written', () => {
    expect(outboundErrorText('socket hang up', zh)).toBe('socket hang up');
  });
});
