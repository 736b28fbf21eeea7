/** A conversation's last message in one line, as lists show it (the workspace, a customer's conversations). */
import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { formatDateTime, localeOf } from '../../i18n';
import { formatMessageTime } from './message-time';

type Preview = Schemas['ConversationListItem']['last_message'];

/**
 * The last message in one line: the start of its text (as text; CSS cuts it with an ellipsis),
 * "Reply:" before an agent's or a rule's, and when it was sent. Private notes never show here.
 */
export function LastMessage({ message }: { message: Preview }) {
  const { t, i18n } = useTranslation();
  if (!message)
    return (
      <Text size="sm" c="dimmed">
        {t('conversations.preview.none')}
      </Text>
    );
  return (
    <Group gap="xs" wrap="nowrap" justify="space-between" data-testid="conversation-preview">
      <Text size="sm" className="kith-preview" title={message.content}>
        {message.direction === 'outgoing' && (
          <Text span size="sm" c="dimmed">
            {t('conversations.preview.reply')}
          </Text>
        )}
        {message.content}
      </Text>
      <Text
        component="time"
        size="xs"
        c="dimmed"
        dateTime={message.created_at}
        title={formatDateTime(message.created_at)}
        style={{ flexShrink: 0, whiteSpace: 'nowrap' }}
      >
        {formatMessageTime(message.created_at, localeOf(i18n.language))}
      </Text>
    </Group>
  );
}
