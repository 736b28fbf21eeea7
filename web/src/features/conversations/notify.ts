/** A toast for a result, its close button named in the user's language (Mantine leaves it unnamed). */
import { type NotificationData, notifications } from '@mantine/notifications';
import i18n from '../../i18n';

export function notify(data: NotificationData): void {
  notifications.show({ ...data, closeButtonProps: { 'aria-label': i18n.t('common.close') } });
}
