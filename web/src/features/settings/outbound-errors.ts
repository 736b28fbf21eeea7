/**
 * Why a request Kith sent (a webhook delivery) failed, in the user's language where the reason is one
 * of the outbound client's fixed ones (src/sync/outbound/outbound-http.ts): the host and code they name
 * are kept. Any other reason is shown as the server wrote it, after the user's word for a failure.
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
    /^the receiver answered HTTP (\d+), a redirect(?: to (\S+))?; redirects are not followed/,
    (t, m) => t('settings.outbound.redirected', { status: m[1], location: m[2] ?? '' }),
  ],
  [/^the receiver answered HTTP (\d+)$/, (t, m) => t('settings.outbound.httpStatus', { status: m[1] })],
  [
    /^connect (E[A-Z]+) (\S+)$/,
    (t, m) => t('settings.outbound.connectFailed', { address: m[2], code: m[1] }),
  ],
  [
    /^the answer from (\S+) is larger than (.+)$/,
    (t, m) => t('settings.outbound.answerTooLarge', { host: m[1], size: m[2] }),
  ],
  // The outbound guard refused the address (KITH_OUTBOUND_ALLOW): the settings forms' words for it.
  [/^refused: the URL (.+)$/, (t, m) => reasonText(m[1]!, t)],
  // Node's own words for a connection the other side ended, and for a certificate it refused.
  [/^socket hang up$/, (t) => t('settings.outbound.hungUp')],
  [/^(read|write) (ECONNRESET|EPIPE)$/, (t, m) => t('settings.outbound.reset', { code: m[2] })],
  [/^certificate has expired$/, (t) => t('settings.outbound.certificateExpired')],
  [/^Hostname\/IP does not match certificate's altnames/, (t) => t('settings.outbound.certificateName')],
  [
    /^(self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate)/,
    (t) => t('settings.outbound.certificateUntrusted'),
  ],
];

/** Why a request failed in the user's words, when it is one of the reasons above. */
export function outboundReasonText(reason: string, t: TFunction): string | null {
  return sayReason(OUTBOUND_FAILURES, reason, t);
}

/** Why a request failed in the user's words; a reason of no known kind keeps the server's words after them. */
export function outboundErrorText(reason: string, t: TFunction): string {
  return outboundReasonText(reason, t) ?? t('settings.outbound.other', { reason });
}
