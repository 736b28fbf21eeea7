/** A toast for a result, its close button named in the user's language (Mantine leaves it unnamed). */
import { type NotificationData, notifications } from '@mantine/notifications';
import i18n from '../../i18n';
import { refusalText } from './form-problem';

export function notify(data: NotificationData): void {
  notifications.show({ ...data, closeButtonProps: { 'aria-label': i18n.t('common.close') } });
}

/** The toast for a refused change: "Refused" and why, in the user's language. */
export function notifyRefused(error: unknown): void {
  notify({ color: 'red', title: i18n.t('settings.refused'), message: refusalText(error, i18n.t) });
}

/** The toast after a row was deleted, naming it. */
export function notifyDeleted(name: string): void {
  notify({ color: 'green', message: i18n.t('settings.deleted', { name }) });
}
