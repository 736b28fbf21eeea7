/**
 * Why a sync run failed (`last_run.error`), in the user's language where the reason is one of the fixed
 * ones of src/sync/carddav/carddav-sync-run.ts or a job's (failureText); any other reason is shown as the
 * server wrote it.
 */
import type { TFunction } from 'i18next';
import { failureText, type ReasonTable, sayReason } from '../../ui/server-reasons';
import { outboundReasonText } from './outbound-errors';

const RUN_FAILURES: ReasonTable = [
  [
    /^the server answered HTTP 401 to .*: the user name or password is wrong$/,
    (t) => t('sync.failures.auth'),
  ],
  [
    /^the server answered HTTP (\d+) to (the sync report on|writing|deleting|reading) /,
    (t, m) => t('sync.failures.http', { status: m[1] }),
  ],
  [/^cannot reach the server: (\S+)$/, (t, m) => t('sync.failures.unreachable', { code: m[1] })],
];

export function syncRunErrorText(reason: string, t: TFunction): string {
  return sayReason(RUN_FAILURES, reason, t) ?? outboundReasonText(reason, t) ?? failureText(reason, t);
}
