/**
 * Static groups: each with its member count, linking to `/customers?group=<id>`; created, renamed
 * (with a description) or deleted (its customers stay).
 */
import { Anchor, Button, Group, Menu, Paper, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
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
import { useRowDialogs } from './row-dialogs';

type ContactGroup = Schemas['Group'];

const membersOf = (group: ContactGroup) => `/customers?group=${encodeURIComponent(group.id)}`;

export function GroupsSection() {
  const { t } = useTranslation();
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) });
  const { editing, setEditing, deleting, setDeleting, refresh } = useRowDialogs<ContactGroup>(['groups']);
  const newButton = (
    <Button size="xs" variant="default" onClick={() => setEditing('new')}>
      {t('settings.groups.new')}
    </Button>
  );

  return (
    <Paper withBorder>
      <Group justify="space-between" p="sm" pb={0}>
        <Title order={2} size="h4">
          {t('settings.groups.title')}
        </Title>
        {newButton}
      </Group>
      <QueryStates
        query={groups}
        rows={4}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <EmptyState
            title={t('settings.groups.emptyTitle')}
            description={t('settings.groups.empty')}
            action={<Button onClick={() => setEditing('new')}>{t('settings.groups.new')}</Button>}
          />
        }
      >
        {(page) => (
          <Table className="kith-sticky-head" aria-label={t('settings.groups.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.tags.name')}</Table.Th>
                <Table.Th ta="right">{t('settings.groups.members')}</Table.Th>
                <ActionsHeader w={48} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.data.map((group) => (
                <Table.Tr key={group.id} data-testid={`group-${group.name}`}>
                  <Table.Td>
                    <Anchor component={Link} to={membersOf(group)} size="sm" fw={500}>
                      {group.name}
                    </Anchor>
                    {group.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {group.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Anchor
                      component={Link}
                      to={membersOf(group)}
                      size="sm"
                      aria-label={t('settings.groups.membersOf', {
                        count: group.member_count,
                        n: formatNumber(group.member_count),
                        name: group.name,
                      })}
                    >
                      {formatNumber(group.member_count)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <RowMenu name={group.name}>
                      <Menu.Item onClick={() => setEditing(group)}>{t('settings.tags.rename')}</Menu.Item>
                      <Menu.Item color="red" onClick={() => setDeleting(group)}>
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
      {editing && (
        <GroupModal
          group={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('settings.groups.deleteTitle', { name: deleting.name })}
          confirmLabel={t('settings.groups.deleteConfirm')}
          onClose={() => setDeleting(null)}
          onConfirm={() => unwrap(api.DELETE('/api/groups/{id}', { params: { path: { id: deleting.id } } }))}
          onDone={() => {
            refresh();
            notifyDeleted(deleting.name);
          }}
        >
          {t('settings.groups.deleteBody', {
            name: deleting.name,
            count: deleting.member_count,
            n: formatNumber(deleting.member_count),
          })}
        </ConfirmModal>
      )}
    </Paper>
  );
}

function GroupModal({
  group,
  onClose,
  onSaved,
}: {
  group: ContactGroup | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim() || null };
      return group
        ? unwrap(api.PATCH('/api/groups/{id}', { params: { path: { id: group.id } }, body }))
        : unwrap(api.POST('/api/groups', { body }));
    },
    onSuccess: (saved) => {
      onSaved();
      notify({ color: 'green', message: t('settings.savedNamed', { name: saved.name }) });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <FormModal
      title={group ? t('settings.groups.editTitle', { name: group.name }) : t('settings.groups.newTitle')}
      onClose={onClose}
      onSubmit={() => {
        if (!name.trim())
          return setProblem({ ...NO_PROBLEM, fields: { name: t('settings.reasons.required') } });
        save.mutate();
      }}
      submit={
        <Button type="submit" loading={save.isPending}>
          {group ? t('common.save') : t('settings.groups.create')}
        </Button>
      }
    >
      <ProblemAlert problem={problem} />
      <TextInput
        label={t('settings.tags.name')}
        required
        data-autofocus
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        error={problem.fields.name}
      />
      <Textarea
        label={t('settings.attributes.descriptionField')}
        autosize
        minRows={2}
        value={description}
        onChange={(event) => setDescription(event.currentTarget.value)}
        error={problem.fields.description}
      />
    </FormModal>
  );
}
