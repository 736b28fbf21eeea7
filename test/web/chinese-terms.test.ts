import { expect, it } from 'vitest';
import { zh } from './web-i18n.js';

// One Chinese term per concept (the design notes' glossary). A duplicate pair nobody has decided on yet
// and a conversation set to "pending" are two things: the same word for both would have a reader of
// the duplicates list think a pair waits on a customer, and an agent filtering conversations think
// they are unreviewed duplicates.
it('gives a duplicate pair’s statuses and a conversation’s statuses words of their own', () => {
  const pairs = Object.values(zh('duplicates.status', { returnObjects: true }) as Record<string, string>);
  for (const list of ['conversations.statuses', 'automation.statuses']) {
    const conversation = Object.values(zh(list, { returnObjects: true }) as Record<string, string>);
    expect(pairs.filter((word) => conversation.includes(word))).toEqual([]);
  }
  expect(zh('duplicates.status.open')).toBe('未处理');
  expect(zh('duplicates.empty.open')).toContain('未处理');
  expect(zh('conversations.statuses.pending')).toBe('待处理');
});

// A status says what is (已启用, as 已停用 and 已暂停 beside it), not the button that makes it so (启用).
it('names an active user, token or webhook with a status word, not the action that enables it', () => {
  expect(zh('settings.users.active')).not.toBe(zh('settings.users.enable'));
  expect(zh('settings.users.active')).toBe('已启用');
  expect(zh('settings.webhooks.active')).toBe('已启用');
});
