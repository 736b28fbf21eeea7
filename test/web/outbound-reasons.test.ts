import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../src/sync/outbound/outbound-policy.js';
import { en, WEB, zh } from './web-i18n.js';

const { reasonText } = (await import(`${WEB}/features/settings/form-problem.ts`)) as {
  reasonText: (reason: string, t: TFunction) => string;
};

/** The outbound guard's refusals of a webhook or sync address, in the settings form's language. */
describe('an internal address refused by the outbound guard (the server’s real words)', () => {
  const policy = OutboundPolicy.parse(undefined);
  it.each([
    ['http://127.0.0.1:9/hook', '127.0.0.1 指向本服务器', '127.0.0.1 is this server itself'],
    ['http://localhost/hook', 'localhost 指向本服务器', 'localhost is this server itself'],
    ['http://10.1.2.3/hook', '10.1.2.3 是内网地址', '10.1.2.3 is an address inside your network'],
    ['https://[::ffff:192.168.1.9]/hook', '是内网地址', 'is an address inside your network'],
  ])('%s', (url, chinese, english) => {
    const reason = policy.urlProblem(url)!;
    expect(reasonText(reason, zh)).toContain(chinese);
    expect(reasonText(reason, zh)).toContain('KITH_OUTBOUND_ALLOW');
    expect(reasonText(reason, en)).toContain(english);
  });
});
