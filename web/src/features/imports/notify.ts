/** A toast whose close button says what it does (axe: a button needs a name; Mantine's has none). */
import { type NotificationData, notifications } from '@mantine/notifications';
import i18n from '../../i18n';

export function notify(data: NotificationData): void {
  notifications.show({ ...data, closeButtonProps: { 'aria-label': i18n.t('common.close') } });
}
