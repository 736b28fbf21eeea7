import net from 'node:net';
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

  it.each([
    [
      'closes the connection without answering',
      (socket: net.Socket) => socket.destroy(),
      '对方未应答就关闭了连接。',
    ],
    [
      'resets the connection',
      (socket: net.Socket) => socket.resetAndDestroy(),
      '连接被对方重置（ECONNRESET）。',
    ],
  ])('a server that %s', async (_, end, chinese) => {
    const server = net.createServer((socket) => socket.once('data', () => end(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const reason = await failure(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`);
      expect(outboundErrorText(reason, zh)).toBe(chinese);
      expect(outboundErrorText(reason, en)).not.toBe(reason);
    } finally {
      server.close();
    }
  });

  it.each([
    ['certificate has expired', '该地址的证书已过期。'],
    [
      "Hostname/IP does not match certificate's altnames: Host: a.example. is not in the cert's altnames: DNS:b.example",
      '该地址的证书属于另一个域名。',
    ],
    ['self-signed certificate', '该地址的证书不是受信任机构签发的（自签名？）。'],
    ['unable to verify the first certificate', '该地址的证书不是受信任机构签发的（自签名？）。'],
  ])("Node's certificate refusal %s", (reason, chinese) => {
    expect(outboundErrorText(reason, zh)).toBe(chinese);
  });

  it('says any other reason is a failure, keeping its words', () => {
    expect(outboundErrorText('something new', zh)).toBe('请求失败：something new');
    expect(outboundErrorText('something new', en)).toBe('The request failed: something new');
  });
});
