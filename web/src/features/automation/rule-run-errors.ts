/**
 * Why a rule's run failed (its log's error) and why the rule was switched off, in the user's language
 * where the server's words are fixed ones (src/automation/automation-rule-listener.ts,
 * src/automation/actions/rule-action-runner.ts); the addresses and reasons they name are kept, and any
 * other error (an e-mail server's own answer) is shown as written.
 */
import type { TFunction } from 'i18next';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';
import { outboundReasonText } from '../settings/outbound-errors';

const RUN_ERRORS: ReasonTable = [
  [/^e-mail is not configured: set SMTP_URL$/, (t) => t('automation.runErrors.noSmtp')],
  [/^\S+ has no conversation to act on$/, (t) => t('automation.runErrors.noConversation')],
  [
    /^webhook (\S+): ([\s\S]+)$/,
    (t, m) => t('automation.runErrors.webhook', { url: m[1], reason: outboundReasonText(m[2]!, t) ?? m[2] }),
  ],
];

/** A run's error in the user's words where it is one of the fixed ones; else as the server wrote it. */
export function ruleRunErrorText(error: string, t: TFunction): string {
  return sayReason(RUN_ERRORS, error, t) ?? error;
}

/** Why the rule was switched off: the failing runs counted and the last error, in the user's words. */
export function deactivatedReasonText(reason: string, t: TFunction): string {
  const match = /^deactivated after (\d+) failing runs in a row; last error: ([\s\S]*)$/.exec(reason);
  if (!match) return reason;
  return t('automation.deactivatedAfter', {
    count: Number(match[1]),
    error: ruleRunErrorText(match[2]!, t),
  });
}
