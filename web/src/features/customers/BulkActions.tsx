/**
 * What can be done to the selected customers (chosen rows, or every customer matching the filter):
 * tag, untag, add to a group, and for admins delete — through the batch delete, which backs up first
 * and asks for the typed count.
 */
import { deletionErrorText } from './deletion-errors';
import { tagRefusalText } from './save-errors';
import {
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useDeletions } from './customer-queries';
import { formatDate, formatNumber } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { bulkErrorText, exceedsLimit, limitText, type SelectionSize } from './bulk-limit';

/** Each action's button label (customers.bulk.*), its dialog's title while the count is not known. */
const ACTION_LABELS: Record<Action, string> = {
  add_tags: 'addTags',
  remove_tags: 'removeTags',
  add_to_group: 'addToGroup',
  delete: 'delete',
};

/** The most rows one tag or group action names (POST /api/contacts/bulk's `selection.ids`). */
const ROWS_LIMIT = 1000;

export type Selection = { ids: string[] } | { filter: Record<string, unknown> };
type Action = 'add_tags' | 'remove_tags' | 'add_to_group' | 'delete';

export function BulkActions({
  selection,
  size,
  sizeError,
  isAdmin,
  onDone,
}: {
  selection: Selection;
  /**
   * How many customers are selected: exact, or (every customer matching a filter) counted by the
   * server up to the limit; null while it counts.
   */
  size: SelectionSize | null;
  /** Why the selection could not be counted. */
  sizeError?: unknown;
  isAdmin: boolean;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [action, setAction] = useState<Action | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [typed, setTyped] = useState<number | string>('');
  const [error, setError] = useState<string | null>(null);
  // A refusal of one of the tags, said on the tags field (which keeps them, to be corrected).
  const [tagsError, setTagsError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) });
  const tagList = useQuery({ queryKey: ['tags'], queryFn: () => unwrap(api.GET('/api/tags')) });
  // How long a deletion can be restored, said before deleting (the administrator sets it).
  const deletions = useDeletions({ enabled: action === 'delete' });
  const restorableUntil = deletions.data
    ? formatDate(new Date(Date.now() + deletions.data.retention_days * 86_400_000).toISOString())
    : null;

  const count = size?.count ?? 0;
  // Past the limit (or not yet counted) the action cannot be confirmed: it says why instead.
  const tooMany = size !== null && exceedsLimit(size);
  // Rows chosen one by one: a tag or group action names at most ROWS_LIMIT of them (a deletion any number).
  const tooManyRows =
    'ids' in selection && action !== null && action !== 'delete' && selection.ids.length > ROWS_LIMIT;
  const known = size !== null && !tooMany && !tooManyRows;
  // Deleting by a filter needs a condition: an empty one would be every customer (the server refuses it).
  const everyone =
    action === 'delete' &&
    'filter' in selection &&
    Object.values(selection.filter).every(
      (v) => v === undefined || v === '' || (typeof v === 'object' && v !== null && !Object.keys(v).length),
    );
  const blocked = !known || everyone;

  const close = () => {
    setAction(null);
    setTags([]);
    setGroupId(null);
    setTyped('');
    setError(null);
    setTagsError(null);
  };

  async function run() {
    if (!action) return;
    setBusy(true);
    setError(null);
    setTagsError(null);
    try {
      if (action === 'delete') {
        const body = { ...selection, confirm_count: Number(typed) } as never;
        const deletion = await unwrap(api.POST('/api/contacts/batch-delete', { body }));
        notifications.show({
          color: 'green',
          message: t('customers.bulk.deletedUntil', {
            count: deletion.count,
            until: formatDate(deletion.restore_until),
          }),
        });
      } else {
        const result = await unwrap(
          api.POST('/api/contacts/bulk', {
            body: {
              selection: selection as never,
              action,
              ...(action === 'add_to_group' ? { group_id: groupId ?? '' } : { tags }),
            },
          }),
        );
        notifications.show({
          color: 'green',
          message: t('customers.bulk.done', {
            changed: formatNumber(result.changed),
            unchanged: formatNumber(result.unchanged),
          }),
        });
      }
      void client.invalidateQueries({ queryKey: ['contacts'] });
      void client.invalidateQueries({ queryKey: ['tags'] });
      void client.invalidateQueries({ queryKey: ['groups'] });
      close();
      onDone();
    } catch (e) {
      const tagsRefused =
        action === 'add_tags' || action === 'remove_tags' ? tagRefusalText(e, t, tags) : null;
      if (tagsRefused) setTagsError(tagsRefused);
      else
        setError(
          action === 'delete'
            ? deletionErrorText(e, t)
            : (bulkErrorText(e, t, i18n.language) ?? errorMessage(e, t)),
        );
    } finally {
      setBusy(false);
    }
  }

  const ready = blocked
    ? false
    : action === 'delete'
      ? Number(typed) === count
      : action === 'add_to_group'
        ? Boolean(groupId)
        : tags.length > 0;

  return (
    <>
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={() => setAction('add_tags')}>
          {t('customers.bulk.addTags')}
        </Button>
        <Button size="xs" variant="light" onClick={() => setAction('remove_tags')}>
          {t('customers.bulk.removeTags')}
        </Button>
        <Button size="xs" variant="light" onClick={() => setAction('add_to_group')}>
          {t('customers.bulk.addToGroup')}
        </Button>
        {isAdmin && (
          <Button size="xs" variant="light" color="red" onClick={() => setAction('delete')}>
            {t('customers.bulk.delete')}
          </Button>
        )}
      </Group>
      <Modal
        opened={action !== null}
        onClose={close}
        title={
          !action
            ? ''
            : known
              ? t(`customers.bulk.title.${action}`, { count, formatted: formatNumber(count) })
              : t(`customers.bulk.${ACTION_LABELS[action]}`)
        }
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (ready) void run();
          }}
        >
          <Stack gap="sm">
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            {size === null &&
              (sizeError ? (
                <Alert color="red" role="alert">
                  {errorMessage(sizeError, t)}
                </Alert>
              ) : (
                <Group gap="xs">
                  <Loader size="xs" />
                  <Text size="sm">{t('customers.bulk.counting')}</Text>
                </Group>
              ))}
            {tooManyRows && (
              <Alert color="yellow" role="alert">
                {t('customers.bulk.limit.rows', {
                  limit: formatNumber(ROWS_LIMIT),
                  formatted: formatNumber(count),
                })}
              </Alert>
            )}
            {tooMany && size.limit !== null && (
              <Alert color="yellow" role="alert">
                {limitText(
                  { count: size.count, countIsLowerBound: size.countIsLowerBound, limit: size.limit },
                  !isAdmin,
                  t,
                  i18n.language,
                )}
              </Alert>
            )}
            {known && everyone && (
              <Alert color="yellow" role="alert">
                {t('customers.bulk.deleteNeedsFilter')}
              </Alert>
            )}
            {known && (action === 'add_tags' || action === 'remove_tags') && (
              <TagsInput
                label={t('fields.tags')}
                description={t('customer.tagsHint')}
                data={(tagList.data?.data ?? []).map((tag) => tag.name)}
                value={tags}
                onChange={(next) => {
                  setTags(next);
                  setTagsError(null);
                }}
                error={tagsError}
                data-autofocus
              />
            )}
            {known && action === 'add_to_group' && (
              <Select
                label={t('fields.groups')}
                searchable
                data={(groups.data?.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
                value={groupId}
                onChange={setGroupId}
                nothingFoundMessage={t('customers.bulk.noGroups')}
                data-autofocus
              />
            )}
            {known && !everyone && action === 'delete' && (
              <>
                <Text size="sm">
                  {restorableUntil
                    ? t('customers.bulk.deleteExplainUntil', {
                        count,
                        formatted: formatNumber(count),
                        until: restorableUntil,
                      })
                    : t('customers.bulk.deleteExplain', { count, formatted: formatNumber(count) })}
                </Text>
                <NumberInput
                  label={t('customers.bulk.typeCount', { formatted: formatNumber(count) })}
                  value={typed}
                  onChange={setTyped}
                  allowDecimal={false}
                  hideControls
                  data-autofocus
                />
              </>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                color={action === 'delete' ? 'red' : undefined}
                disabled={!ready}
                loading={busy}
              >
                {!action
                  ? ''
                  : known
                    ? t(`customers.bulk.confirm.${action}`, { count, formatted: formatNumber(count) })
                    : t(`customers.bulk.${ACTION_LABELS[action]}`)}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
