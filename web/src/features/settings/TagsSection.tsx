/**
 * Tags: each with its customer count, linking to `/customers?tag=<name>`. Renaming onto a name another
 * tag has merges the two (the dialog says so before anything happens); "Merge into…" picks the other
 * tag from the list; deleting removes the tag from its customers.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Menu,
  Paper,
  Select,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { formatNumber } from '../../i18n';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader, RowMenu } from './RowActions';
import { FormModal, ProblemAlert } from './FormModal';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify, notifyDeleted } from './notify';
import { useSettingsRefresh } from './settings-queries';

type Tag = Schemas['Tag'];

const customersOf = (tag: Tag) => `/customers?tag=${encodeURIComponent(tag.name)}`;

export function TagsSection() {
  const { t } = useTranslation();
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => unwrap(api.GET('/api/tags')) });
  const [renaming, setRenaming] = useState<{ tag: Tag; merge: boolean } | null>(null);
  const [deleting, setDeleting] = useState<Tag | null>(null);
  // A tag's rename, merge or deletion changes its customers too.
  const refresh = useSettingsRefresh(['tags'], ['contacts'], ['contact']);
  const list = tags.data?.data ?? [];

  return (
    <Paper withBorder>
      <Group justify="space-between" p="sm" pb={0}>
        <Title order={2} size="h4">
          {t('settings.tags.title')}
        </Title>
        {tags.data && (
          <Text size="sm" c="dimmed">
            {t('settings.tags.count', { count: list.length, n: formatNumber(list.length) })}
          </Text>
        )}
      </Group>
      <QueryStates
        query={tags}
        rows={4}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <EmptyState
            title={t('settings.tags.emptyTitle')}
            description={t('settings.tags.empty')}
            action={
              <Button component={Link} to="/customers" variant="default">
                {t('settings.tags.goToCustomers')}
              </Button>
            }
          />
        }
      >
        {() => (
          <Table className="kith-sticky-head" aria-label={t('settings.tags.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.tags.name')}</Table.Th>
                <Table.Th ta="right">{t('settings.tags.customers')}</Table.Th>
                <ActionsHeader w={48} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((tag) => (
                <Table.Tr key={tag.id} data-testid={`tag-${tag.name}`}>
                  <Table.Td>
                    <Anchor component={Link} to={customersOf(tag)} size="sm" fw={500}>
                      {tag.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Anchor
                      component={Link}
                      to={customersOf(tag)}
                      size="sm"
                      aria-label={t('settings.tags.customersOf', {
                        count: tag.contact_count,
                        n: formatNumber(tag.contact_count),
                        name: tag.name,
                      })}
                    >
                      {formatNumber(tag.contact_count)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <RowMenu name={tag.name}>
                      <Menu.Item onClick={() => setRenaming({ tag, merge: false })}>
                        {t('settings.tags.rename')}
                      </Menu.Item>
                      <Menu.Item onClick={() => setRenaming({ tag, merge: true })} disabled={list.length < 2}>
                        {t('settings.tags.mergeInto')}
                      </Menu.Item>
                      <Menu.Item color="red" onClick={() => setDeleting(tag)}>
                        {t('common.delete')}
                      </Menu.Item>
                    </RowMenu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryStates>
      {renaming && (
        <RenameTagModal
          tag={renaming.tag}
          merge={renaming.merge}
          tags={list}
          onClose={() => setRenaming(null)}
          onDone={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('settings.tags.deleteTitle', { name: deleting.name })}
          confirmLabel={t('settings.tags.deleteConfirm')}
          onClose={() => setDeleting(null)}
          onConfirm={() => unwrap(api.DELETE('/api/tags/{id}', { params: { path: { id: deleting.id } } }))}
          onDone={() => {
            refresh();
            notifyDeleted(deleting.name);
          }}
        >
          {t('settings.tags.deleteBody', {
            name: deleting.name,
            count: deleting.contact_count,
            n: formatNumber(deleting.contact_count),
          })}
        </ConfirmModal>
      )}
    </Paper>
  );
}

/** The most the list of tags to merge into takes below its field before it scrolls, in pixels. */
const MERGE_LIST_HEIGHT = 220;

function RenameTagModal({
  tag,
  merge,
  tags,
  onClose,
  onDone,
}: {
  tag: Tag;
  merge: boolean;
  tags: Tag[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(merge ? '' : tag.name);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const wanted = name.trim();
  // Names compare case-insensitively: another tag with this name means the two are merged.
  const target = tags.find(
    (other) => other.id !== tag.id && other.name.toLowerCase() === wanted.toLowerCase(),
  );
  const rename = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/tags/{id}', { params: { path: { id: tag.id } }, body: { name: wanted } })),
    onSuccess: (result) => {
      onDone();
      notify({
        color: 'green',
        message: result.merged_from
          ? t('settings.tags.merged', { from: tag.name, to: result.name })
          : t('settings.tags.renamed', { from: tag.name, to: result.name }),
      });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  const unchanged = !target && wanted === tag.name;
  // The open list of tags to merge into pushes the dialog's buttons down rather than covering them.
  const [listOpen, setListOpen] = useState(false);
  const choices = tags.filter((other) => other.id !== tag.id).map((other) => other.name);
  const listHeight = Math.min(MERGE_LIST_HEIGHT, Math.max(choices.length, 1) * 34 + 12);
  return (
    <FormModal
      title={
        merge
          ? t('settings.tags.mergeTitle', { name: tag.name })
          : t('settings.tags.renameTitle', { name: tag.name })
      }
      onClose={onClose}
      onSubmit={() => {
        if (!wanted) return setProblem({ ...NO_PROBLEM, fields: { name: t('settings.reasons.required') } });
        rename.mutate();
      }}
      submit={
        <Button
          type="submit"
          loading={rename.isPending}
          disabled={unchanged || !wanted || (merge && !target)}
          color={target ? 'orange' : undefined}
        >
          {target
            ? t('settings.tags.mergeConfirm', { name: target.name })
            : merge
              ? t('settings.tags.merge')
              : t('settings.tags.rename')}
        </Button>
      }
    >
      <ProblemAlert problem={problem} />
      {merge ? (
        <Select
          label={t('settings.tags.mergeTarget')}
          placeholder={t('settings.tags.mergeTargetPlaceholder')}
          searchable
          data-autofocus
          data={choices}
          value={target?.name ?? null}
          onChange={(value) => setName(value ?? '')}
          error={problem.fields.name}
          maxDropdownHeight={MERGE_LIST_HEIGHT}
          comboboxProps={{ position: 'bottom', middlewares: { flip: false, shift: false } }}
          onDropdownOpen={() => setListOpen(true)}
          onDropdownClose={() => setListOpen(false)}
          mb={listOpen ? listHeight : 0}
        />
      ) : (
        <TextInput
          label={t('settings.tags.newName')}
          data-autofocus
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={problem.fields.name}
        />
      )}
      {target && (
        <Alert color="yellow" title={t('settings.tags.mergeNoticeTitle', { name: target.name })}>
          <Text size="sm">
            {t('settings.tags.mergeNotice', {
              from: tag.name,
              to: target.name,
              count: tag.contact_count,
              n: formatNumber(tag.contact_count),
            })}
          </Text>
        </Alert>
      )}
    </FormModal>
  );
}
