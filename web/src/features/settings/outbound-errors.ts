/**
 * Why a request Kith sent (a webhook delivery) failed, in the user's language where the reason is one
 * of the outbound client's fixed ones (src/sync/outbound/outbound-http.ts): the host and code they name
 * are kept. Any other reason is shown as the server wrote it.
 */
import type { TFunction } from 'i18next';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';
import { reasonText } from './form-problem';

const OUTBOUND_FAILURES: ReasonTable = [
  [
    /^cannot resolve (\S+) within (\S+) s$/,
    (t, m) => t('settings.outbound.resolveSlow', { host: m[1], seconds: m[2] }),
  ],
  [/^cannot resolve (\S+): (\S+)$/, (t, m) => t('settings.outbound.unresolved', { host: m[1], code: m[2] })],
  [
    /^no answer from (\S+) within (\S+) s$/,
    (t, m) => t('settings.outbound.noAnswer', { host: m[1], seconds: m[2] }),
  ],
  [/^no answer within (\S+) s$/, (t, m) => t('settings.outbound.noAnswerAny', { seconds: m[1] })],
  [
    /^connect (E[A-Z]+) (\S+)$/,
    (t, m) => t('settings.outbound.connectFailed', { address: m[2], code: m[1] }),
  ],
  // The outbound guard refused the address (KITH_OUTBOUND_ALLOW): the settings forms' words for it.
  [/^refused: the URL (.+)$/, (t, m) => reasonText(m[1]!, t)],
];

export function outboundErrorText(reason: string, t: TFunction): string {
  return sayReason(OUTBOUND_FAILURES, reason, t) ?? reason;
}
