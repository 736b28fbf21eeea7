import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { deactivatedReasonText, ruleRunErrorText } = (await import(
  `${WEB}/features/automation/rule-run-errors.ts`
)) as {
  deactivatedReasonText: (reason: string, t: TFunction) => string;
  ruleRunErrorText: (error: string, t: TFunction) => string;
};

/** A rule's failed run and its switching off, from the server's own words (automation-rule-listener.ts). */
describe('a rule run’s error in the page’s language', () => {
  it.each([
    [
      'webhook https://hooks.example.com/x: the receiver answered HTTP 500',
      'Webhook https://hooks.example.com/x：接收方返回 HTTP 500。',
      'Webhook https://hooks.example.com/x: The receiver answered HTTP 500.',
    ],
    [
      'webhook https://hooks.example.com/x: no answer from hooks.example.com within 10 s',
      'Webhook https://hooks.example.com/x：hooks.example.com 在 10 秒内没有应答。',
      'Webhook https://hooks.example.com/x: hooks.example.com did not answer within 10 s.',
    ],
    [
      'e-mail is not configured: set SMTP_URL',
      '此服务器未配置邮件（SMTP_URL），发送邮件动作无法执行。',
      'Email is not set up on this server (SMTP_URL), so the email action cannot send.',
    ],
    [
      'contact_created has no conversation to act on',
      '此事件没有可供动作处理的会话。',
      'This event has no conversation for the action to act on.',
    ],
    // An e-mail server's own answer: as it came.
    ['550 5.1.1 mailbox unavailable', '550 5.1.1 mailbox unavailable', '550 5.1.1 mailbox unavailable'],
    // A webhook failure of no known kind keeps the server's words after the address.
    [
      'webhook https://h.example/x: odd failure',
      'Webhook https://h.example/x：odd failure',
      'Webhook https://h.example/x: odd failure',
    ],
  ])('%s', (error, chinese, english) => {
    expect(ruleRunErrorText(error, zh)).toBe(chinese);
    expect(ruleRunErrorText(error, en)).toBe(english);
  });

  it('says why the rule was switched off, counting the runs, with the last error in words', () => {
    const reason =
      'deactivated after 5 failing runs in a row; last error: webhook https://h.example/x: the receiver answered HTTP 503';
    expect(deactivatedReasonText(reason, zh)).toBe(
      '连续 5 次执行失败后已自动停用。最近一次错误：Webhook https://h.example/x：接收方返回 HTTP 503。',
    );
    expect(deactivatedReasonText(reason, en)).toBe(
      'Switched off after 5 failing runs in a row. Last error: Webhook https://h.example/x: The receiver answered HTTP 503.',
    );
    expect(deactivatedReasonText('something else', en)).toBe('something else');
  });
});
